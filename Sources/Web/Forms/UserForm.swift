import Vapor

struct UserForm: Content {
    var email: String?
    var name: String?
    var role: String?
    var password: String?
    var isActive: String?
    var version: String?
}
