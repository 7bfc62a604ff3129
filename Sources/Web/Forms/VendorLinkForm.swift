import Vapor

/// A vendor contact to send an answer link to.
struct VendorLinkForm: EchoedForm {
    var contactName: String?
    var contactEmail: String?
    var days: String?
}
