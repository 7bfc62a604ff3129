import Domain
import Vapor

struct InheritedKeysContext: Encodable {
    struct Row: Encodable {
        let name: String
        let vendor: String
        let canvasKeyID: String
        let state: String
        let stateKey: String
        let dependents: String
        let reviewed: Bool
        let flagged: Bool
        let editURL: String?
    }

    let layout: LayoutContext
    let rows: [Row]?
    let flaggedCount: Int
    let canEdit: Bool
    let newURL: String
}

struct InheritedKeyFormContext: Encodable {
    let layout: LayoutContext
    let heading: String
    let action: String
    let values: [String: String]
    let stateOptions: [SelectOption]
    let integrationOptions: [SelectOption]
    let reviewed: Bool
    let errors: [String: String]
    let formError: String?
}

struct TokenRegisterContext: Encodable {
    struct Row: Encodable {
        let holder: String
        let role: String
        let purpose: String
        let created: String
        let expires: String
        let lastUsed: String
        let integration: String
        let state: String
        let violations: [TokenViolation]?
        let recommendation: String?
        let revokeURL: String?
        let revoked: String?
    }

    let layout: LayoutContext
    let rows: [Row]?
    let violationCount: Int
    let policy: String
    let canEdit: Bool
    let addURL: String
    let importURL: String
    let roleOptions: [SelectOption]
    let integrationOptions: [SelectOption]
    let values: [String: String]
    let errors: [String: String]
    let formError: String?
}
