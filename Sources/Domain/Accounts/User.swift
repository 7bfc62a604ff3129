import Foundation

public struct User: Equatable, Sendable {
    public typealias ID = Identifier<User>

    public let id: ID
    public var email: String
    public var name: String
    public var role: Role
    public var isActive: Bool
    public var passwordHash: String
    public var login: LoginState
    public var version: Int
    public var createdAt: Date
    /// The authenticator, once enrolled.
    public var secondFactor: SecondFactor?
    /// Raised when the role changes, the account is deactivated or its authenticator is reset: every session
    /// made before carries the old number and ends at its next request.
    public var sessionEpoch: Int
    /// The identity provider's id for the person (`sub`, or the trusted user header), once they signed in that way.
    public var externalSubject: String?

    public init(
        id: ID, email: String, name: String, role: Role, isActive: Bool = true, passwordHash: String,
        login: LoginState = LoginState(), version: Int = 1, createdAt: Date,
        secondFactor: SecondFactor? = nil, sessionEpoch: Int = 0, externalSubject: String? = nil
    ) {
        self.secondFactor = secondFactor
        self.sessionEpoch = sessionEpoch
        self.externalSubject = externalSubject
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.isActive = isActive
        self.passwordHash = passwordHash
        self.login = login
        self.version = version
        self.createdAt = createdAt
    }
}

/// Validated input for creating a user (the password is hashed by the caller).
public struct NewUser: Equatable, Sendable {
    public let email: String
    public let name: String
    public let role: Role

    public init(email: String, name: String, role: Role) {
        self.email = email
        self.name = name
        self.role = role
    }

    public static func validate(
        email: String?, name: String?, role: String?, password: String?
    ) throws -> (NewUser, password: String) {
        var errors = ValidationErrors()
        let email = Check.email(email, field: "email", label: "E-mail", required: true, errors: &errors) ?? ""
        let name = Check.required(name, field: "name", label: "Name", max: 120, errors: &errors)
        let role = Role(rawValue: Check.trimmed(role))
        if role == nil { errors.add("role", "Choose a role: admin, reviewer, procurement or auditor.") }
        let password = password ?? ""
        if let problem = PasswordPolicy.problem(with: password, email: email) {
            errors.add("password", problem)
        }
        try errors.throwIfAny()
        return (NewUser(email: email, name: name, role: role!), password)
    }
}

/// Validated changes an admin makes to a user (never deletes: deactivation keeps history).
public struct UserChanges: Equatable, Sendable {
    public let name: String
    public let role: Role
    public let isActive: Bool

    public init(name: String, role: Role, isActive: Bool) {
        self.name = name
        self.role = role
        self.isActive = isActive
    }

    public static func validate(name: String?, role: String?, isActive: Bool) throws -> UserChanges {
        var errors = ValidationErrors()
        let name = Check.required(name, field: "name", label: "Name", max: 120, errors: &errors)
        let role = Role(rawValue: Check.trimmed(role))
        if role == nil { errors.add("role", "Choose a role: admin, reviewer, procurement or auditor.") }
        try errors.throwIfAny()
        return UserChanges(name: name, role: role!, isActive: isActive)
    }
}

/// Hashes and verifies passwords. Implemented with bcrypt in Web; Domain never sees the algorithm.
public protocol SecretHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}
