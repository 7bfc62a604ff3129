import Vapor

struct VendorForm: Content {
    var name: String?
    var website: String?
    var securityContactEmail: String?
    var standing: String?
    var notes: String?
    var privacyPolicyURL: String?
    var version: String?
}
