import Vapor

/// Turning a released key off, on, or retiring it, with the reason.
struct ReleaseActionForm: EchoedForm {
    var action: String?
    var note: String?
}
