import Vapor

/// An admin's request to switch something off (or delete a token) in Canvas, confirmed with a tick.
struct CanvasWriteForm: EchoedForm {
    var action: String?
    var objectID: String?
    var confirm: String?
    /// `registration_context_off`: `account` (a sub-account) or `course`, and its id.
    var context: String?
    var accountID: String?
    var courseID: String?
    /// Sent from an integration page: the write serves it, and the answer goes back there.
    var integrationID: String?
}
