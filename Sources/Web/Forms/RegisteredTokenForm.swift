import Vapor

/// A user access token recorded by hand in the register.
struct RegisteredTokenForm: EchoedForm {
    var holder: String?
    var role: String?
    var purpose: String?
    var createdOn: String?
    var expiresOn: String?
    var lastUsedOn: String?
    var integrationID: String?
}
