import Vapor

/// An admin's request to switch something off (or delete a token) in Canvas, confirmed with a tick.
struct CanvasWriteForm: EchoedForm {
    var action: String?
    var objectID: String?
    var confirm: String?
}
