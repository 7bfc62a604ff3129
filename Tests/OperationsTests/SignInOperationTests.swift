import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing

/// The sign-in workflows without a request: what pages and the command line share.
@Suite("Sign-ins without the web layer")
struct SignInOperationTests {
    static func person(_ email: String?, groups: [String] = [], subject: String = "sub-1") -> ExternalIdentity {
        ExternalIdentity(subject: subject, email: email, name: "Pat Person", groups: groups)
    }

    static let mapping = try! RoleMapping.parse("vr-admins=admin;vr-reviewers=reviewer")

    /// Six digits that are the code of none of the steps accepted around `date`.
    static func wrongCode(_ secret: [UInt8], at date: Date) -> String {
        let step = TOTP.step(at: date)
        let valid = Set(((step - 1)...(step + 1)).map { TOTP.code(secret: secret, step: $0) })
        return ["000000", "111111", "222222", "333333"].first { !valid.contains($0) }!
    }

    @Test(arguments: TestEngine.available)
    func theProvidersPersonIsFoundCreatedOrRefused(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let signIns = h.operations.signIns
            let via = "OpenID Connect (test)"
            #expect(try await signIns.external(Self.person(nil), mapping: nil, autoCreate: .auditor, via: via) == .refused(.noVerifiedEmail))
            #expect(try await signIns.external(Self.person("pat@northfield.example"), mapping: nil, autoCreate: nil, via: via) == .refused(.unknownPerson))
            #expect(try await h.store.users.find(email: "pat@northfield.example") == nil, "a refusal creates nothing")

            guard case let .signedIn(created) = try await signIns.external(Self.person("pat@northfield.example", groups: ["vr-reviewers"]),
                                                                            mapping: Self.mapping, autoCreate: .auditor, via: via) else {
                Issue.record("expected a new account")
                return
            }
            #expect(created.role == .reviewer, "the mapped group's role, not the default")
            guard case let .signedIn(again) = try await signIns.external(Self.person("PAT@northfield.example", groups: ["vr-admins"]),
                                                                          mapping: Self.mapping, autoCreate: .auditor, via: via) else {
                Issue.record("expected the same account")
                return
            }
            #expect(again.id == created.id && again.role == .admin && again.sessionEpoch == created.sessionEpoch + 1)
            #expect(try await signIns.external(Self.person("pat@northfield.example", groups: ["students"]), mapping: Self.mapping, autoCreate: .auditor,
                                               via: via) == .refused(.noRoleFromGroups))
            _ = try await h.store.users.update(created.id, to: UserChanges(name: "Pat", role: .admin, isActive: false), expectedVersion: again.version,
                                               by: .commandLine, at: h.clock.now)
            #expect(try await signIns.external(Self.person("pat@northfield.example", groups: ["vr-admins"]), mapping: Self.mapping, autoCreate: .auditor,
                                               via: via) == .refused(.deactivated))
        }
    }

    @Test(arguments: TestEngine.available)
    func anAuthenticatorIsEnrolledConfirmedOnceLockedAndReset(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let signIns = h.operations.signIns
            let user = try await h.admin()
            let (secret, sealed) = try signIns.newSecret(for: user)
            let step = TOTP.step(at: h.clock.now)
            #expect(try await signIns.enrol(user, sealed: sealed, typed: Self.wrongCode(secret, at: h.clock.now)) == nil)
            let codes = try #require(try await signIns.enrol(user, sealed: sealed, typed: TOTP.code(secret: secret, step: step)))
            #expect(codes.count == 10)
            var enrolled = try #require(try await h.store.users.find(user.id))
            #expect(enrolled.secondFactor?.lastStep == step)

            // The code used at enrolment is refused; the next step's is accepted once.
            #expect(try await signIns.confirm(TOTP.code(secret: secret, step: step), for: enrolled) == .refused)
            h.clock.advance(by: 30)
            enrolled = try #require(try await h.store.users.find(user.id))
            guard case let .accepted(signedIn, usedRecoveryCode: false) = try await signIns.confirm(TOTP.code(secret: secret, step: step + 1), for: enrolled) else {
                Issue.record("the next step's code should be accepted")
                return
            }
            #expect(signedIn.secondFactor?.lastStep == step + 1)
            guard case .accepted(_, usedRecoveryCode: true) = try await signIns.confirm(codes[3], for: signedIn) else {
                Issue.record("a recovery code should be accepted")
                return
            }

            // Five wrong codes lock it, audited once; then even the right code waits.
            for _ in 0..<5 {
                let current = try #require(try await h.store.users.find(user.id))
                #expect(try await signIns.confirm(Self.wrongCode(secret, at: h.clock.now), for: current) == .refused)
            }
            let locked = try #require(try await h.store.users.find(user.id))
            #expect(locked.secondFactor?.isLocked(at: h.clock.now) == true)
            h.clock.advance(by: 30)
            #expect(try await signIns.confirm(TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)), for: locked) == .refused)
            #expect(try await h.store.audit.list(AuditQuery(action: "lock_factor")).total == 1)

            #expect(try await signIns.reset(locked, by: .commandLine) == true)
            let reset = try #require(try await h.store.users.find(user.id))
            #expect(reset.secondFactor == nil && reset.sessionEpoch == locked.sessionEpoch + 1)
            #expect(try await signIns.reset(reset, by: .commandLine) == false, "nothing to reset")
            #expect(try await h.store.audit.list(AuditQuery(action: "reset_factor")).items.first?.actorLabel == "command line")
        }
    }

    @Test(arguments: TestEngine.available)
    func aSecretSealedForSomeoneElseOrUnderAnotherKeyDoesNotOpen(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let signIns = h.operations.signIns
            let user = try await h.admin()
            let other = try await h.store.users.create(NewUser(email: "bo@northfield.example", name: "Bo", role: .reviewer), id: .init(UUID()),
                                                       passwordHash: "not-a-real-hash", by: .commandLine, at: h.clock.now)
            let (secret, sealedForOther) = try signIns.newSecret(for: other)
            #expect(try await signIns.enrol(user, sealed: sealedForOther, typed: TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))) == nil)
            // Stored under another institution key (SECRET_KEY_FILE replaced): it cannot be checked, and says so.
            let foreign = try FactorSeal(institutionKey: InstitutionKey.generate().key).seal(secret, for: user.id)
            try await h.store.users.storeSecondFactor(user.id, SecondFactor(sealedSecret: foreign, recoveryHashes: [], enrolledAt: h.clock.now),
                                                      action: nil, by: .commandLine, at: h.clock.now)
            let stored = try #require(try await h.store.users.find(user.id))
            #expect(try await signIns.confirm(TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now)), for: stored) == .unreadable)
        }
    }

    @Test(arguments: TestEngine.available)
    func anAddressWaitsAfterThePolicysFailuresUntilTheWindowPasses(engine: TestEngine) async throws {
        try await OperationsHarness.run(engine) { h in
            let signIns = h.operations.signIns
            let limit = Policy.standard.addressMaxFailures
            for _ in 0..<(limit - 1) { try await signIns.recordFailure(address: "203.0.113.5") }
            #expect(try await signIns.isThrottled(address: "203.0.113.5") == false)
            try await signIns.recordFailure(address: "203.0.113.5")
            #expect(try await signIns.isThrottled(address: "203.0.113.5") == true)
            #expect(try await signIns.isThrottled(address: "203.0.113.6") == false, "each address counts alone")
            h.clock.advance(by: Double(signIns.windowMinutes * 60) + 1)
            #expect(try await signIns.isThrottled(address: "203.0.113.5") == false)
        }
    }
}
