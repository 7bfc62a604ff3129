import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

/// What single sign-on and the second factor store on an account, on every engine: the authenticator and its
/// audit trail, accounts created for people the identity provider vouches for, and the session number that
/// ends a person's sessions.
@Suite("Accounts: authenticator, external sign-in, session number")
struct SignInAccountTests {
    static func factor(_ hashes: [String] = ["a", "b", "c"]) -> SecondFactor {
        SecondFactor(sealedSecret: Data((0..<48).map { UInt8($0) }), lastStep: 60_000_123, recoveryHashes: hashes, enrolledAt: t0)
    }

    static func ana(_ db: DatabaseHandle) async throws -> User {
        try await db.store.users.create(NewUser(email: "ana@northfield.example", name: "Ana", role: .admin),
                                        id: .init(UUID()), passwordHash: "hash", by: .commandLine, at: t0)
    }

    @Test(arguments: TestEngine.available)
    func anAuthenticatorIsStoredWholeAuditedAndAResetEndsSessions(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let users = db.store.users
            let user = try await Self.ana(db)
            #expect(user.secondFactor == nil && user.sessionEpoch == 0)

            try await users.storeSecondFactor(user.id, Self.factor(), action: "enrol_factor", by: Actor(user: user), at: t0)
            let enrolled = try #require(try await users.find(user.id))
            #expect(enrolled.secondFactor == Self.factor(), "the sealed secret, last step, hashes and dates come back as stored")
            #expect(enrolled.sessionEpoch == 0, "enrolling keeps the person's sessions")

            // A wrong code's count is stored without an audit entry; a lock is audited.
            var failing = Self.factor()
            failing.failedAttempts = 2
            try await users.storeSecondFactor(user.id, failing, action: nil, by: .commandLine, at: t0)
            #expect(try await users.find(user.id)?.secondFactor?.failedAttempts == 2)
            failing.failedAttempts = 5
            failing.lockedUntil = t0.addingTimeInterval(900)
            try await users.storeSecondFactor(user.id, failing, action: "lock_factor", by: .commandLine, at: t0)
            #expect(try await users.find(user.id)?.secondFactor?.isLocked(at: t0.addingTimeInterval(899)) == true)

            try await users.storeSecondFactor(user.id, nil, action: "reset_factor", by: admin, at: t0)
            let reset = try #require(try await users.find(user.id))
            #expect(reset.secondFactor == nil)
            #expect(reset.sessionEpoch == 1, "a reset ends the person's sessions")

            let trail = try await db.store.audit.list(AuditQuery(entityType: "user", entityID: user.id.description))
            let actions = trail.items.map(\.action)
            #expect(actions.filter { $0 == "enrol_factor" }.count == 1)
            #expect(actions.filter { $0 == "lock_factor" }.count == 1)
            #expect(actions.filter { $0 == "reset_factor" }.count == 1)
            #expect(trail.items.first { $0.action == "lock_factor" }?.summary.contains("after 5 wrong codes") == true)
            #expect(try await db.store.audit.verifyChain().1 == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func aRoleChangeOrDeactivationRaisesTheSessionNumberAndANameChangeDoesNot(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let users = db.store.users
            let user = try await Self.ana(db)
            let renamed = try await users.update(user.id, to: UserChanges(name: "Ana B", role: .admin, isActive: true), expectedVersion: 1, by: admin, at: t0)
            #expect(renamed.sessionEpoch == 0)
            let demoted = try await users.update(user.id, to: UserChanges(name: "Ana B", role: .auditor, isActive: true), expectedVersion: 2, by: admin, at: t0)
            #expect(demoted.sessionEpoch == 1)
            let deactivated = try await users.update(user.id, to: UserChanges(name: "Ana B", role: .auditor, isActive: false), expectedVersion: 3, by: admin, at: t0)
            #expect(deactivated.sessionEpoch == 2)
        }
    }

    @Test(arguments: TestEngine.available)
    func anExternalAccountHasNoUsablePasswordAndItsRoleFollowsTheGroups(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let users = db.store.users
            let created = try await users.createExternal(NewUser(email: "new.person@northfield.example", name: "New Person", role: .auditor),
                                                         id: .init(UUID()), subject: "sub-9", via: "OpenID Connect (test)", at: t0)
            #expect(created.externalSubject == "sub-9" && created.role == .auditor)
            #expect(!created.passwordHash.hasPrefix("$2"), "not a bcrypt hash: no password verifies against it")
            await #expect(throws: DomainError.self) {
                _ = try await users.createExternal(NewUser(email: "new.person@northfield.example", name: "Again", role: .auditor),
                                                   id: .init(UUID()), subject: "sub-9", via: "OpenID Connect (test)", at: t0)
            }

            // Same role: a sign-in is recorded, nothing else changes.
            let same = try await users.recordExternalSignIn(created.id, subject: "sub-9", role: nil, via: "OpenID Connect (test)", at: t0)
            #expect(same.version == created.version && same.sessionEpoch == 0)
            // The groups now give another role: it changes, audited, and older sessions end.
            let promoted = try await users.recordExternalSignIn(created.id, subject: "sub-9", role: .reviewer, via: "OpenID Connect (test)", at: t0)
            #expect(promoted.role == .reviewer && promoted.sessionEpoch == 1 && promoted.version == created.version + 1)

            let trail = try await db.store.audit.list(AuditQuery(entityType: "user", entityID: created.id.description))
            #expect(trail.items.filter { $0.action == "login" }.count == 3)
            #expect(trail.items.contains { $0.action == "create" && $0.summary.contains("created at first sign-in through OpenID Connect (test)") })
            #expect(trail.items.contains { $0.action == "update" && $0.summary.contains("auditor → reviewer") })
        }
    }
}
