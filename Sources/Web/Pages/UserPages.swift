import Domain
import Vapor

struct UserRowContext: Encodable {
    let name: String
    let email: String
    let role: String
    let active: Bool
    let editURL: String
}

struct UsersContext: Encodable {
    let layout: LayoutContext
    let rows: [UserRowContext]
    let newURL: String
}

struct UserFormContext: Encodable {
    let layout: LayoutContext
    let heading: String
    let action: String
    let isNew: Bool
    let email: String
    let name: String
    let active: Bool
    let version: String
    let roleOptions: [SelectOption]
    let errors: [String: String]
    let formError: String?
    let cancelURL: String
    var factorEnrolled = false
    var factorResetURL: String? = nil
}
