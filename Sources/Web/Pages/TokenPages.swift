import Domain
import Vapor

struct TokenRowContext: Encodable {
    let hint: String
    let purpose: String
    let created: String
    let expires: String
    let lastUsed: String
    let status: String
    let revokeURL: String?
}

struct TokensContext: Encodable {
    let layout: LayoutContext
    let rows: [TokenRowContext]
    let purpose: String
    let expiresInDays: String
    let errors: [String: String]
    let newToken: String?
    let maxDays: Int
}
