import Vapor

/// Why and how a registered token was revoked.
struct RevocationForm: Decodable {
    var note: String?
}
