import Vapor

/// The requester confirms a release: the e-mailed code and the key's details from Canvas.
struct ReleaseConfirmationForm: EchoedForm {
    var code: String?
    var canvasKeyID: String?
    var allowIncludeParameters: String?
    var expiresOn: String?
    var rereviewOn: String?
}
