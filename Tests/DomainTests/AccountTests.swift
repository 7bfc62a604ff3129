import Domain
import Foundation
import Testing

@Suite("Passwords and login lock-out")
struct AccountTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func user(_ login: LoginState = LoginState(), active: Bool = true) -> User {
        User(id: .init(UUID()), email: "ana@northfield.example", name: "Ana", role: .admin, isActive: active,
             passwordHash: "x", login: login, createdAt: start)
    }

    @Test(arguments: [
        ("short", "at least 12"),
        ("aaaaaaaaaaaaaaaa", "repetitive"),
        ("Password1234", "too common"),
        ("my-rafael-password", "e-mail name"),
        (String(repeating: "ab1-", count: 20), "at most 72"),
    ])
    func refusesWeakPasswords(password: String, reason: String) {
        let problem = PasswordPolicy.problem(with: password, email: "rafael@northfield.example")
        #expect(problem?.contains(reason) == true, "\(password): \(problem ?? "accepted")")
    }

    @Test func acceptsAPassphrase() {
        #expect(PasswordPolicy.problem(with: "correct horse battery", email: "ana@northfield.example") == nil)
    }

    @Test func fiveFailuresLockForFifteenMinutes() {
        var state = LoginState()
        for attempt in 1...4 {
            state = state.recordingFailure(at: start)
            #expect(!state.isLocked(at: start), "locked after \(attempt)")
        }
        state = state.recordingFailure(at: start)
        #expect(state.isLocked(at: start))
        #expect(state.isLocked(at: start.addingTimeInterval(15 * 60 - 1)))
        #expect(!state.isLocked(at: start.addingTimeInterval(15 * 60)))
    }

    @Test func failuresDuringALockDoNotExtendIt() {
        var state = LoginState(failedAttempts: 5, lockedUntil: start.addingTimeInterval(600))
        state = state.recordingFailure(at: start.addingTimeInterval(10))
        #expect(state.lockedUntil == start.addingTimeInterval(600))
    }

    @Test func aFailureAfterTheLockRanOutStartsAFreshCount() {
        let expired = LoginState(failedAttempts: 5, lockedUntil: start)
        let next = expired.recordingFailure(at: start.addingTimeInterval(1))
        #expect(next.failedAttempts == 1)
        #expect(!next.isLocked(at: start.addingTimeInterval(1)))
    }

    @Test func successResetsTheCount() {
        let (decision, next) = LoginRules.decide(user: user(LoginState(failedAttempts: 3)), passwordMatches: true, now: start)
        guard case .success = decision else { Issue.record("expected success"); return }
        #expect(next == LoginState())
    }

    @Test func lockedOrInactiveAccountsFailEvenWithTheRightPassword() {
        let locked = user(LoginState(failedAttempts: 5, lockedUntil: start.addingTimeInterval(60)))
        #expect(LoginRules.decide(user: locked, passwordMatches: true, now: start).decision == .failure)
        #expect(LoginRules.decide(user: user(active: false), passwordMatches: true, now: start).decision == .failure)
    }

    @Test func newUserValidationReportsFields() {
        do {
            _ = try NewUser.validate(email: "nope", name: "", role: "superuser", password: "short")
            Issue.record("expected validation errors")
        } catch let DomainError.validation(errors) {
            #expect(Set(errors.messages.keys) == ["email", "name", "role", "password"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func accessRulesByRole() {
        #expect(Role.allCases.count == 4)
        #expect(Role.admin < Role.auditor)
    }
}

@Suite("API tokens")
struct TokenTests {
    @Test(arguments: [
        (nil as String?, "30" as String?, "purpose"),
        ("CI", "30", "purpose"),
        ("Nightly vendor sync", "0", "expiresInDays"),
        ("Nightly vendor sync", "366", "expiresInDays"),
        ("Nightly vendor sync", "soon", "expiresInDays"),
        ("Nightly vendor sync", nil as String?, "expiresInDays"),
    ])
    func refusesMissingPurposeOrBadExpiry(purpose: String?, days: String?, field: String) {
        do {
            _ = try TokenRequest.validate(purpose: purpose, expiresInDays: days)
            Issue.record("accepted")
        } catch let DomainError.validation(errors) {
            #expect(errors[field] != nil)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func acceptsAYear() throws {
        #expect(try TokenRequest.validate(purpose: "Nightly vendor sync", expiresInDays: "365").expiresInDays == 365)
    }

    @Test func secretsAreRandomPrefixedAndHashedStably() {
        var generator = SystemRandomNumberGenerator()
        let a = TokenSecret.generate(using: &generator)
        let b = TokenSecret.generate(using: &generator)
        #expect(a != b)
        #expect(a.hasPrefix("vr_"))
        #expect(a.count == 3 + 43)
        #expect(!a.contains("+") && !a.contains("/") && !a.contains("="))
        #expect(TokenSecret.hash(a) == TokenSecret.hash(a))
        #expect(TokenSecret.hash(a).count == 64)
        #expect(TokenSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenSecret.hint(a).count == 8)
        #expect(!TokenSecret.hint(a).contains(String(a.dropFirst(7))))
    }

    @Test func usabilityFollowsExpiryAndRevocation() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var token = ApiToken(id: .init(UUID()), userID: .init(UUID()), purpose: "x", hint: "vr_abcd…", tokenHash: "h",
                             createdAt: now, expiresAt: now.addingTimeInterval(60))
        #expect(token.isUsable(at: now))
        #expect(!token.isUsable(at: now.addingTimeInterval(60)))
        #expect(token.status(at: now.addingTimeInterval(61)) == "expired")
        token.revokedAt = now
        #expect(!token.isUsable(at: now))
        #expect(token.status(at: now) == "revoked")
    }
}
