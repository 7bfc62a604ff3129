import Domain
import FluentKit
import Foundation

struct FluentUserRepository: UserRepository {
    let database: any Database

    func find(_ id: User.ID) async throws -> User? {
        try await UserModel.find(id.rawValue, on: database)?.toDomain()
    }

    func find(email: String) async throws -> User? {
        try await UserModel.query(on: database).filter(\.$email == email.lowercased()).first()?.toDomain()
    }

    func list() async throws -> [User] {
        try await UserModel.query(on: database).sort(\.$email).all().map { try $0.toDomain() }
    }

    func count() async throws -> Int {
        try await UserModel.query(on: database).count()
    }

    func create(
        _ user: NewUser, id: User.ID, passwordHash: String, by actor: Actor, at now: Date
    ) async throws -> User {
        try await AuditedWrite.run(on: database) { tx in
            let model = try await Self.insert(user, id: id, passwordHash: passwordHash, subject: nil, at: now, on: tx)
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "create",
                summary: "\(user.email) — created with role \(user.role.rawValue)")
            return (try model.toDomain(), [entry])
        }
    }

    func update(
        _ id: User.ID, to changes: UserChanges, expectedVersion: Int, by actor: Actor, at now: Date
    ) async throws -> User {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await UserModel.find(id.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "user")
            }
            guard model.version == expectedVersion else {
                throw DomainError.staleVersion(entity: "user", expected: expectedVersion, actual: model.version)
            }
            let before: [(String, String)] = [
                ("name", model.name), ("role", model.role), ("active", model.isActive ? "yes" : "no"),
            ]
            let after: [(String, String)] = [
                ("name", changes.name), ("role", changes.role.rawValue), ("active", changes.isActive ? "yes" : "no"),
            ]
            let summary = ChangeSummary.changed(from: before, to: after)
            if summary == "No changes" { return (try model.toDomain(), []) }
            // A role change or a deactivation ends every session the person has, at its next request.
            if model.role != changes.role.rawValue || model.isActive != changes.isActive { model.sessionEpoch += 1 }
            model.name = changes.name
            model.role = changes.role.rawValue
            model.isActive = changes.isActive
            model.version += 1
            model.updatedAt = now
            try await model.update(on: tx)
            let action = changes.isActive ? "update" : "deactivate"
            let entry = AuditEntry(
                occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: action,
                summary: "\(model.email) — \(summary)")
            return (try model.toDomain(), [entry])
        }
    }

    func recordLogin(_ id: User.ID, state: LoginState, succeeded: Bool, lockedNow: Bool, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await UserModel.find(id.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "user")
            }
            let changed = model.failedAttempts != state.failedAttempts || model.lockedUntil != state.lockedUntil
            model.failedAttempts = state.failedAttempts
            model.lockedUntil = state.lockedUntil
            if changed { try await model.update(on: tx) }
            let actor = Actor(userID: succeeded ? id : nil, label: succeeded ? "\(model.email) (\(model.role))" : "anonymous")
            var entries: [AuditEntry] = []
            if succeeded {
                entries.append(AuditEntry(
                    occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "login",
                    summary: "\(model.email) signed in"))
            } else if lockedNow {
                entries.append(AuditEntry(
                    occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "lock",
                    summary: "\(model.email) locked for 15 minutes after \(state.failedAttempts) failed sign-ins"))
            }
            return ((), entries)
        }
    }

    func storeSecondFactor(_ id: User.ID, _ factor: SecondFactor?, action: String?, by actor: Actor, at now: Date) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await UserModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "user") }
            model.store(factor)
            if action == "reset_factor" { model.sessionEpoch += 1 }
            try await model.update(on: tx)
            guard let action else { return ((), []) }
            let summary: String
            switch action {
            case "enrol_factor": summary = "\(model.email) enrolled an authenticator app"
            case "replace_factor": summary = "\(model.email) removed their authenticator app to set up a new one"
            case "reset_factor": summary = "\(model.email) — authenticator reset; they enrol again at their next sign-in"
            case "lock_factor": summary = "\(model.email) — authenticator codes locked for 15 minutes after \(factor?.failedAttempts ?? 0) wrong codes"
            case "recovery_code": summary = "\(model.email) signed in with a recovery code (\(factor?.recoveryHashes.count ?? 0) left)"
            default: summary = "\(model.email) — \(action)"
            }
            return ((), [AuditEntry(occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: action, summary: summary)])
        }
    }

    func createExternal(_ user: NewUser, id: User.ID, subject: String, via method: String, at now: Date) async throws -> User {
        try await AuditedWrite.run(on: database) { tx in
            // Not a bcrypt hash: no password ever verifies against it.
            let model = try await Self.insert(user, id: id, passwordHash: "!external", subject: subject, at: now, on: tx)
            let actor = Actor(userID: id, label: "\(user.email) (\(user.role.rawValue))")
            return (try model.toDomain(), [
                AuditEntry(occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "create",
                           summary: "\(user.email) — created at first sign-in through \(method) with role \(user.role.rawValue)"),
                AuditEntry(occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "login",
                           summary: "\(user.email) signed in through \(method)"),
            ])
        }
    }

    func recordExternalSignIn(_ id: User.ID, subject: String, role: Role?, via method: String, at now: Date) async throws -> User {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await UserModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "user") }
            var entries: [AuditEntry] = []
            let actor = Actor(userID: id, label: "\(model.email) (\(role?.rawValue ?? model.role))")
            if let role, role.rawValue != model.role {
                entries.append(AuditEntry(
                    occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "update",
                    summary: "\(model.email) — role: \(model.role) → \(role.rawValue) (from the identity provider's groups)"))
                model.role = role.rawValue
                model.sessionEpoch += 1
                model.version += 1
                model.updatedAt = now
            }
            if model.externalSubject != subject { model.externalSubject = subject }
            if model.hasChanges { try await model.update(on: tx) }
            entries.append(AuditEntry(
                occurredAt: now, actor: actor, entityType: "user", entityID: id.description, action: "login",
                summary: "\(model.email) signed in through \(method)"))
            return (try model.toDomain(), entries)
        }
    }

    /// A new account's row, refused when the e-mail is taken.
    private static func insert(_ user: NewUser, id: User.ID, passwordHash: String, subject: String?, at now: Date, on tx: any Database) async throws -> UserModel {
        if try await UserModel.query(on: tx).filter(\.$email == user.email).first() != nil {
            throw DomainError.duplicate(field: "email", message: "An account with this e-mail already exists.")
        }
        let model = UserModel()
        model.id = id.rawValue
        model.email = user.email
        model.name = user.name
        model.role = user.role.rawValue
        model.isActive = true
        model.passwordHash = passwordHash
        model.failedAttempts = 0
        model.store(nil)
        model.sessionEpoch = 0
        model.externalSubject = subject
        model.version = 1
        model.createdAt = now
        model.updatedAt = now
        try await model.create(on: tx)
        return model
    }
}
