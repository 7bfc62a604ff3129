import Vapor

/// Decoded form input. Every field is an optional string: validation happens in Domain, so a
/// missing or malformed field becomes a message next to the field, never a decoding failure.
struct LoginForm: Content {
    var email: String?
    var password: String?
    var next: String?
}
