import Vapor

/// Decoded form input. Every field is an optional string: validation happens in Domain, so a
/// missing or malformed field becomes a message next to the field, never a decoding failure.
struct LoginForm: Content {
    var email: String?
    var password: String?
    var next: String?
}

struct VendorForm: Content {
    var name: String?
    var website: String?
    var securityContactEmail: String?
    var standing: String?
    var notes: String?
    var version: String?
}

struct UserForm: Content {
    var email: String?
    var name: String?
    var role: String?
    var password: String?
    var isActive: String?
    var version: String?
}

struct TokenForm: Content {
    var purpose: String?
    var expiresInDays: String?
}

struct ListQuery: Content {
    var q: String?
    var standing: String?
    var sort: String?
    var page: Int?
    var per_page: Int?
}

struct AuditListQuery: Content {
    var entityType: String?
    var entityID: String?
    var action: String?
    var actor: String?
    var from: String?
    var to: String?
    var page: Int?
}

extension Request {
    /// Decodes form or JSON content; unreadable bodies become a 400 with a plain message.
    func form<T: Content>(_ type: T.Type) throws -> T {
        do { return try content.decode(T.self) } catch let error as DecodingError { throw error } catch {
            throw Abort(.unsupportedMediaType)
        }
    }
}
