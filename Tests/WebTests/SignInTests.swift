import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// The second factor for local accounts, session binding, address throttling and the sign-in settings.
@Suite("Sign-in: authenticator codes, sessions and throttling")
struct SignInTests {
    /// A copy of `data/` whose policy asks `roles` for an authenticator; removed by `body`'s caller.
    static func withPolicy(requiring roles: String, _ body: (String) async throws -> Void) async throws {
        let data = NSTemporaryDirectory() + "vr-data-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: repositoryRoot + "/data", toPath: data)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let policy = data + "/policy.yaml"
        let text = try String(contentsOfFile: policy, encoding: .utf8)
        #expect(text.contains("second_factor_required_for: []"))
        try text.replacingOccurrences(of: "second_factor_required_for: []", with: "second_factor_required_for: [\(roles)]")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        try await body(data + "/")
    }

    /// Reads the key the enrolment page shows and returns it as bytes.
    static func shownSecret(_ page: String) throws -> [UInt8] {
        let range = try #require(page.range(of: #"<code id="factor-secret">([A-Z2-7 ]+)</code>"#, options: .regularExpression))
        let text = page[range].dropFirst(#"<code id="factor-secret">"#.count).dropLast("</code>".count)
        return try #require(Base32.decode(String(text)))
    }

    static func recoveryCodes(_ page: String) -> [String] {
        guard let list = page.range(of: #"<ul class="mono" id="recovery-codes">.*?</ul>"#, options: .regularExpression) else { return [] }
        return page[list].components(separatedBy: "<li>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    /// Enrols `role` through the pages and returns its secret, its recovery codes and the signed-in browser.
    static func enrol(_ h: WebHarness, _ role: Role) async throws -> (secret: [UInt8], codes: [String], browser: TestBrowser) {
        let browser = try await h.signedIn(role)
        let page = try await browser.get("/account/factor")
        #expect(page.status == .ok)
        let secret = try shownSecret(page.text)
        #expect(page.text.contains(#"id="factor-qr""#))
        #expect(page.text.contains("otpauth://totp/"))
        let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
        let enrolled = try await browser.post("/account/factor", form: ["code": code], csrfFrom: "/account/factor")
        #expect(enrolled.status == .seeOther)
        let shown = try await browser.get("/account/factor")
        let codes = recoveryCodes(shown.text)
        #expect(codes.count == 10)
        return (secret, codes, browser)
    }

    /// Signs in with the password and lands on the code page; returns the browser.
    static func passwordStep(_ h: WebHarness, _ role: Role, next: String? = nil) async throws -> TestBrowser {
        let browser = TestBrowser(app: h.app)
        let response = try await browser.login(email: h.user(role).email, password: WebHarness.password, next: next)
        #expect(response.status == .seeOther)
        #expect(response.location == "/login/code")
        return browser
    }

    @Test func aRoleThatNeedsAFactorEnrolsBeforeAnythingElseAndTheRecoveryCodesShowOnce() async throws {
        try await Self.withPolicy(requiring: "admin") { data in
            try await withWebApp(configure: { $0.dataDirectory = data }) { h in
                let browser = TestBrowser(app: h.app)
                let login = try await browser.login(email: h.user(.admin).email, password: WebHarness.password)
                #expect(login.location == "/account/factor")
                // Every other page waits for the enrolment.
                let elsewhere = try await browser.get("/users")
                #expect(elsewhere.status == .seeOther)
                #expect(elsewhere.location == "/account/factor")
                let page = try await browser.get("/account/factor")
                #expect(page.text.contains("Your role needs a second factor"))
                let secret = try Self.shownSecret(page.text)
                #expect(secret.count == 20)
                // The same key stays on the page until enrolment finishes (a reload does not change it).
                #expect(try Self.shownSecret(try await browser.get("/account/factor").text) == secret)
                let wrong = try await browser.post("/account/factor", form: ["code": "000000"], csrfFrom: "/account/factor")
                #expect(wrong.status == .unprocessableEntity)
                #expect(wrong.text.contains("That code did not match"))
                let right = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
                let done = try await browser.post("/account/factor", form: ["code": right], csrfFrom: "/account/factor")
                #expect(done.location == "/account/factor")
                let shown = try await browser.get("/account/factor")
                let codes = Self.recoveryCodes(shown.text)
                #expect(codes.count == 10)
                #expect(shown.text.contains("You have 10 recovery codes left"))
                #expect(!shown.text.contains(#"id="factor-secret""#))
                #expect(Self.recoveryCodes(try await browser.get("/account/factor").text).isEmpty)
                #expect(try await browser.get("/users").status == .ok)
                // Stored sealed and hashed: neither the key nor any recovery code is in the row.
                let stored = try #require(try await h.app.store.users.find(h.user(.admin).id)?.secondFactor)
                #expect(stored.sealedSecret.range(of: Data(secret)) == nil)
                #expect(stored.recoveryHashes.count == 10)
                #expect(!stored.recoveryHashes.contains { hash in codes.contains { hash.contains($0.replacingOccurrences(of: "-", with: "")) } })
                #expect(try await h.app.store.audit.list(AuditQuery(action: "enrol_factor")).total == 1)
                // A role the policy does not name is not asked.
                let reviewer = TestBrowser(app: h.app)
                #expect(try await reviewer.login(email: h.user(.reviewer).email, password: WebHarness.password).location == "/")
            }
        }
    }

    @Test func aCodeIsNeededAfterThePasswordAndWorksOnce() async throws {
        try await withWebApp { h in
            let (secret, _, first) = try await Self.enrol(h, .reviewer)
            try await first.post("/logout", form: [:], csrfFrom: "/")
            h.clock.advance(by: 30)
            let browser = try await Self.passwordStep(h, .reviewer, next: "/vendors")
            // The password alone signs no one in.
            #expect(try await browser.get("/vendors").location?.hasPrefix("/login") == true)
            let page = try await browser.get("/login/code")
            #expect(page.status == .ok)
            let wrong = try await browser.post("/login/code", form: ["code": "123456"], csrfFrom: "/login/code")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("That code did not work"))
            let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
            let right = try await browser.post("/login/code", form: ["code": code], csrfFrom: "/login/code")
            #expect(right.status == .seeOther)
            #expect(right.location == "/vendors")
            #expect(try await browser.get("/vendors").status == .ok)
            // The same code, a second later in another sign-in, is refused.
            h.clock.advance(by: 1)
            let again = try await Self.passwordStep(h, .reviewer)
            #expect(try await again.post("/login/code", form: ["code": code], csrfFrom: "/login/code").status == .unauthorized)
            // The next step's code works.
            h.clock.advance(by: 30)
            let later = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
            #expect(try await again.post("/login/code", form: ["code": later], csrfFrom: "/login/code").status == .seeOther)
        }
    }

    @Test func aRecoveryCodeSignsInOnceAndTheAppCanThenBeReplaced() async throws {
        try await withWebApp { h in
            let (secret, codes, _) = try await Self.enrol(h, .reviewer)
            let browser = try await Self.passwordStep(h, .reviewer)
            let used = try await browser.post("/login/code", form: ["code": codes[0].uppercased()], csrfFrom: "/login/code")
            #expect(used.location == "/account/factor")
            let page = try await browser.get("/account/factor")
            #expect(page.text.contains("9 left"))
            #expect(page.text.contains("You have 9 recovery codes left"))
            #expect(try await h.app.store.audit.list(AuditQuery(action: "recovery_code")).total == 1)
            let twice = try await Self.passwordStep(h, .reviewer)
            #expect(try await twice.post("/login/code", form: ["code": codes[0]], csrfFrom: "/login/code").status == .unauthorized)
            // Replacing: the old key stops working and a new one is shown.
            let replaced = try await browser.post("/account/factor/replace", form: [:], csrfFrom: "/account/factor")
            #expect(replaced.location == "/account/factor")
            #expect(try await h.app.store.users.find(h.user(.reviewer).id)?.secondFactor == nil)
            let fresh = try Self.shownSecret(try await browser.get("/account/factor").text)
            #expect(fresh != secret)
            #expect(try await h.app.store.audit.list(AuditQuery(action: "replace_factor")).total == 1)
            // A session signed in with the password alone (before the app was set up elsewhere) may not replace it.
            let passwordOnly = try await h.signedIn(.auditor)
            _ = try await Self.enrol(h, .auditor)
            let refused = try await passwordOnly.post("/account/factor/replace", form: [:], csrfFrom: "/account/factor")
            #expect(refused.location == "/account/factor")
            #expect(try await h.app.store.users.find(h.user(.auditor).id)?.secondFactor != nil)
        }
    }

    @Test func fiveWrongCodesLockTheFactorForFifteenMinutes() async throws {
        try await withWebApp { h in
            let (secret, _, _) = try await Self.enrol(h, .procurement)
            let browser = try await Self.passwordStep(h, .procurement)
            for _ in 0..<5 {
                #expect(try await browser.post("/login/code", form: ["code": "000000"], csrfFrom: "/login/code").status == .unauthorized)
            }
            #expect(try await h.app.store.audit.list(AuditQuery(action: "lock_factor")).total == 1)
            h.clock.advance(by: 60)
            let locked = try await Self.passwordStep(h, .procurement)
            let right = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
            // Refused with the same words as a wrong code.
            let refused = try await locked.post("/login/code", form: ["code": right], csrfFrom: "/login/code")
            #expect(refused.status == .unauthorized)
            #expect(refused.text.contains("That code did not work"))
            h.clock.advance(by: 15 * 60)
            let open = try await Self.passwordStep(h, .procurement)
            let fresh = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
            #expect(try await open.post("/login/code", form: ["code": fresh], csrfFrom: "/login/code").status == .seeOther)
        }
    }

    @Test func thePasswordStepLastsFiveMinutes() async throws {
        try await withWebApp { h in
            let (secret, _, _) = try await Self.enrol(h, .reviewer)
            let browser = try await Self.passwordStep(h, .reviewer)
            h.clock.advance(by: 5 * 60 + 1)
            let code = TOTP.code(secret: secret, step: TOTP.step(at: h.clock.now))
            let late = try await browser.post("/login/code", form: ["code": code], csrfFrom: "/login")
            #expect(late.status == .seeOther)
            #expect(late.location == "/login")
            #expect(try await browser.get("/login/code").location == "/login")
        }
    }

    @Test func anAdminResetsAnotherPersonsFactorAuditedAndTheirSessionsEnd() async throws {
        try await withWebApp { h in
            let (_, _, reviewer) = try await Self.enrol(h, .reviewer)
            #expect(try await reviewer.get("/vendors").status == .ok)
            let target = h.user(.reviewer).id
            // Only an admin may.
            let auditor = try await h.signedIn(.auditor)
            #expect(try await auditor.post("/users/\(target)/factor/reset", form: [:], csrfFrom: "/").status == .forbidden)
            let admin = try await h.signedIn(.admin)
            let edit = try await admin.get("/users/\(target)/edit")
            #expect(edit.text.contains("/users/\(target)/factor/reset"))
            let reset = try await admin.post("/users/\(target)/factor/reset", form: [:], csrfFrom: "/users/\(target)/edit")
            #expect(reset.status == .seeOther)
            #expect(try await h.app.store.users.find(target)?.secondFactor == nil)
            let audit = try await h.app.store.audit.list(AuditQuery(action: "reset_factor"))
            #expect(audit.total == 1)
            #expect(audit.items.first?.actorID == h.user(.admin).id)
            // The reviewer's session ended at once; a new sign-in needs only the password again.
            #expect(try await reviewer.get("/vendors").location?.hasPrefix("/login") == true)
            #expect(try await TestBrowser(app: h.app).login(email: h.user(.reviewer).email, password: WebHarness.password).location == "/")
        }
    }

    @Test func aRoleChangeOrDeactivationEndsThePersonsSessionsAtOnce() async throws {
        try await withWebApp { h in
            let reviewer = try await h.signedIn(.reviewer)
            let auditor = try await h.signedIn(.auditor)
            let procurement = try await h.signedIn(.procurement)
            let r = h.user(.reviewer), a = h.user(.auditor)
            _ = try await h.app.store.users.update(r.id, to: UserChanges(name: r.name, role: .procurement, isActive: true), expectedVersion: r.version, by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.users.update(a.id, to: UserChanges(name: a.name, role: .auditor, isActive: false), expectedVersion: a.version, by: .commandLine, at: h.clock.now)
            #expect(try await reviewer.get("/vendors").location?.hasPrefix("/login") == true)
            #expect(try await auditor.get("/vendors").location?.hasPrefix("/login") == true)
            // Someone else's change leaves this session alone; a name change alone ends nothing.
            #expect(try await procurement.get("/vendors").status == .ok)
            let p = h.user(.procurement)
            _ = try await h.app.store.users.update(p.id, to: UserChanges(name: "Renamed", role: .procurement, isActive: true), expectedVersion: p.version, by: .commandLine, at: h.clock.now)
            #expect(try await procurement.get("/vendors").status == .ok)
        }
    }

    @Test func manyFailuresFromOneAddressThrottleEveryAccountFromIt() async throws {
        try await withWebApp { h in
            let browser = TestBrowser(app: h.app)
            // Each failure names another address book entry (unknown ones count too), so no account's own
            // lock-out (5 failures) is reached: only the address's.
            for index in 0..<20 {
                let email = index < 4 ? Role.allCases[index].rawValue + "@northfield.example" : "nobody\(index)@northfield.example"
                #expect(try await browser.login(email: email, password: "wrong password \(index)").status == .unauthorized)
            }
            let throttled = try await browser.login(email: h.user(.admin).email, password: WebHarness.password)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.text.contains("Too many failed sign-ins came from your address"))
            #expect(try await h.app.store.users.find(h.user(.admin).id)?.login.isLocked(at: h.clock.now) == false)
            // The window passes.
            h.clock.advance(by: 15 * 60 + 1)
            #expect(try await browser.login(email: h.user(.admin).email, password: WebHarness.password).status == .seeOther)
        }
    }

    @Test func signInHeadersFromAnAddressNotListedAreRefused() async throws {
        try await withWebApp(configure: { config in
            config.signIn.trustedProxies = try! TrustedProxies.parse("192.0.2.10")
            config.signIn.trustedHeaders = SignInSettings.TrustedHeaders()
        }) { h in
            var headers = HTTPHeaders()
            headers.add(name: "X-Remote-User", value: "ana")
            headers.add(name: "X-Remote-Email", value: h.user(.admin).email)
            let refused = try await TestBrowser(app: h.app).get("/vendors", headers: headers)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("accepted only from the institution's web server"))
            // Without the headers, the same client gets the ordinary sign-in page.
            #expect(try await TestBrowser(app: h.app).get("/vendors").location?.hasPrefix("/login") == true)
            // And a password session from that client is refused the headers too.
            let signedIn = try await h.signedIn(.reviewer)
            #expect(try await signedIn.get("/vendors", headers: headers).status == .forbidden)
        }
    }

    @Test func localPasswordsOffForEveryoneButBreakGlassAdmins() async throws {
        try await withWebApp(configure: { config in
            config.signIn.trustedProxies = try! TrustedProxies.parse("192.0.2.10")
            config.signIn.trustedHeaders = SignInSettings.TrustedHeaders()
            config.signIn.localPasswords = .only(["admin@northfield.example"])
        }) { h in
            let refused = try await TestBrowser(app: h.app).login(email: h.user(.reviewer).email, password: WebHarness.password)
            #expect(refused.status == .unauthorized)
            #expect(try await TestBrowser(app: h.app).login(email: h.user(.admin).email, password: WebHarness.password).status == .seeOther)
        }
    }

    @Test func theSettingsReadTheEnvironmentAndNameTheVariableThatIsWrong() throws {
        func problem(_ env: [String: String]) -> String? {
            do {
                _ = try AppConfig.fromEnvironment(env, workingDirectory: repositoryRoot)
                return nil
            } catch let error as ConfigurationError {
                return error.variable
            } catch {
                return "\(error)"
            }
        }
        #expect(problem([:]) == nil)
        #expect(try AppConfig.fromEnvironment([:], workingDirectory: repositoryRoot).signIn.localPasswords == .everyone)
        #expect(problem(["LOCAL_PASSWORDS": "off"]) == "LOCAL_PASSWORDS")
        #expect(problem(["LOCAL_PASSWORDS": "maybe"]) == "LOCAL_PASSWORDS")
        #expect(problem(["TRUSTED_HEADER_AUTH": "on"]) == "TRUSTED_PROXIES")
        #expect(problem(["TRUSTED_PROXIES": "proxy.example"]) == "TRUSTED_PROXIES")
        #expect(problem(["TRUSTED_PROXIES": "127.0.0.1", "TRUSTED_HEADER_AUTH": "on", "TRUSTED_HEADER_USER": "X Bad"]) == "TRUSTED_HEADER_USER")
        #expect(problem(["TRUSTED_PROXIES": "127.0.0.1", "TRUSTED_HEADER_AUTH": "on", "TRUSTED_HEADER_ROLE_MAP": "staff=root"]) == "TRUSTED_HEADER_ROLE_MAP")
        #expect(problem(["OIDC_ISSUER": "http://idp.example"]) == "OIDC_ISSUER")
        #expect(problem(["OIDC_ISSUER": "https://idp.example"]) == "OIDC_CLIENT_ID")
        #expect(problem(["OIDC_ISSUER": "https://idp.example", "OIDC_CLIENT_ID": "vr"]) == "OIDC_CLIENT_SECRET_FILE")
        let secret = NSTemporaryDirectory() + "vr-oidc-secret-\(UUID().uuidString)"
        try "s3cret\n".write(toFile: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secret) }
        let oidc = ["OIDC_ISSUER": "https://idp.example/", "OIDC_CLIENT_ID": "vr", "OIDC_CLIENT_SECRET_FILE": secret]
        #expect(problem(oidc) == nil)
        #expect(problem(oidc.merging(["OIDC_SCOPES": "email profile"]) { $1 }) == "OIDC_SCOPES")
        #expect(problem(oidc.merging(["OIDC_ROLE_CLAIM": "groups"]) { $1 }) == "OIDC_ROLE_MAP")
        #expect(problem(oidc.merging(["OIDC_AUTO_CREATE": "superuser"]) { $1 }) == "OIDC_AUTO_CREATE")
        let settings = try AppConfig.fromEnvironment(oidc.merging(["LOCAL_PASSWORDS": "off", "BREAK_GLASS_ADMINS": "Root@Northfield.example"]) { $1 }, workingDirectory: repositoryRoot).signIn
        #expect(settings.openID?.issuer == "https://idp.example")
        #expect(settings.openID?.clientSecret == "s3cret")
        #expect(settings.localPasswords == .only(["root@northfield.example"]))
        #expect(problem(oidc.merging(["LOCAL_PASSWORDS": "off", "BREAK_GLASS_ADMINS": "root"]) { $1 }) == "BREAK_GLASS_ADMINS")
    }

    @Test func withNothingConfiguredTheSignInPageIsAsBefore() async throws {
        try await withWebApp { h in
            let page = try await TestBrowser(app: h.app).get("/login")
            #expect(page.status == .ok)
            #expect(!page.text.contains("Sign in with"))
            #expect(page.text.contains(#"name="password""#))
            #expect(try await TestBrowser(app: h.app).get("/auth/oidc").status == .notFound)
        }
    }
}
