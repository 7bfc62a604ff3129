import Vapor

struct TokenForm: Content {
    var purpose: String?
    var expiresInDays: String?
}
