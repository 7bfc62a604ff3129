import Domain
import Foundation
import Persistence
import TestSupport
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Sign-in, sessions and CSRF")
struct AuthTests {
    @Test func anonymousVisitorsGoToLoginAndComeBackAfterwards() async throws {
        try await withWebApp { h in
            let browser = TestBrowser(app: h.app)
            let first = try await browser.get("/vendors?standing=on_notice")
            #expect(first.status == .seeOther)
            #expect(first.location == "/login?next=/vendors?standing%3Don_notice")
            let page = try await browser.get(first.location!)
            #expect(page.text.contains(#"name="next" value="/vendors?standing=on_notice""#))
            let login = try await browser.login(email: "admin@northfield.example", password: WebHarness.password, next: "/vendors?standing=on_notice")
            #expect(login.location == "/vendors?standing=on_notice")
            #expect(try await browser.get("/vendors").status == .ok)
        }
    }

    @Test func sessionCookieIsHttpOnlyLaxAndSecureOnlyOverHTTPS() async throws {
        try await withWebApp { h in
            let response = try await TestBrowser(app: h.app).get("/login")
            let cookie = response.headers[.setCookie].first { $0.hasPrefix("vr_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"))
        }
        try await withWebApp(configure: { $0.publicURL = "https://vendorreview.northfield.example" }) { h in
            let response = try await TestBrowser(app: h.app).get("/login")
            #expect(response.headers[.setCookie].first { $0.hasPrefix("vr_session=") }?.contains("Secure") == true)
        }
    }

    @Test func offSiteNextIsIgnored() async throws {
        try await withWebApp { h in
            let browser = TestBrowser(app: h.app)
            let login = try await browser.login(email: "admin@northfield.example", password: WebHarness.password, next: "//evil.example/x")
            #expect(login.location == "/")
        }
    }

    @Test func signInRotatesTheSessionID() async throws {
        try await withWebApp { h in
            let browser = TestBrowser(app: h.app)
            try await browser.get("/login")
            let before = browser.cookie
            try await browser.login(email: "admin@northfield.example", password: WebHarness.password)
            #expect(before != nil)
            #expect(browser.cookie != nil)
            #expect(browser.cookie != before)
        }
    }

    @Test(arguments: TestEngine.available)
    func failuresAreGenericAndFiveLockTheAccountForFifteenMinutes(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let browser = TestBrowser(app: h.app)
            let generic = "That e-mail and password did not work, or the account is temporarily locked."
            let unknown = try await browser.login(email: "nobody@northfield.example", password: "whatever-it-is")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains(generic))
            for _ in 1...5 {
                let wrong = try await browser.login(email: "reviewer@northfield.example", password: "wrong password here")
                #expect(wrong.status == .unauthorized)
                #expect(wrong.text.contains(generic))
            }
            // Locked: even the right password fails, with the very same message.
            let locked = try await browser.login(email: "reviewer@northfield.example", password: WebHarness.password)
            #expect(locked.status == .unauthorized)
            #expect(locked.text.contains(generic))
            #expect(try await h.app.store.audit.list(AuditQuery(action: "lock")).total == 1)
            h.clock.advance(by: 15 * 60)
            let later = try await browser.login(email: "reviewer@northfield.example", password: WebHarness.password)
            #expect(later.status == .seeOther)
        }
    }

    @Test func emptyLoginFieldsAre422() async throws {
        try await withWebApp { h in
            let response = try await TestBrowser(app: h.app).login(email: "", password: "")
            #expect(response.status == .unprocessableEntity)
            #expect(response.text.contains("Enter your e-mail and password."))
        }
    }

    @Test func deactivatedAccountsCannotSignIn() async throws {
        try await withWebApp { h in
            let auditor = h.user(.auditor)
            _ = try await h.app.store.users.update(auditor.id, to: UserChanges(name: auditor.name, role: .auditor, isActive: false),
                                                   expectedVersion: 1, by: .commandLine, at: h.clock.now)
            let response = try await TestBrowser(app: h.app).login(email: auditor.email, password: WebHarness.password)
            #expect(response.status == .unauthorized)
        }
    }

    @Test(arguments: TestEngine.available)
    func idleSessionsExpireAndReturnToTheSamePageAfterSignIn(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let browser = try await h.signedIn(.procurement)
            #expect(try await browser.get("/vendors").status == .ok)
            h.clock.advance(by: h.app.context.config.sessionIdleTimeout + 1)
            let expired = try await browser.get("/vendors")
            #expect(expired.status == .seeOther)
            #expect(expired.location == "/login?next=/vendors")
            let login = try await browser.get(expired.location!)
            #expect(login.text.contains("Your session expired"))
            let again = try await browser.login(email: "procurement@northfield.example", password: WebHarness.password, next: "/vendors")
            #expect(again.location == "/vendors")
        }
    }

    /// Reading pages does not write the session row; the "last seen" mark is written at most once a
    /// minute; idle sessions are swept by the hourly upkeep and can no longer sign anyone in.
    @Test(arguments: TestEngine.available)
    func sessionRowsAreWrittenOnlyWhenTheyChangeAndIdleOnesAreSwept(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let sql = sqlDatabase(h.app.persistence)
            func lastSeen() async throws -> [Date] {
                try await sql.raw("SELECT last_seen FROM _fluent_sessions ORDER BY last_seen").all().map { try $0.decode(column: "last_seen", as: Date.self) }
            }
            let browser = try await h.signedIn(.procurement)
            // The first page gives the new session its CSRF token: a change, so it is written.
            #expect(try await browser.get("/vendors").status == .ok)
            let signedIn = try await lastSeen()
            #expect(signedIn.count == 1)
            for _ in 0..<3 {
                h.clock.advance(by: 10)
                #expect(try await browser.get("/vendors").status == .ok)
            }
            #expect(try await lastSeen() == signedIn, "three page views within a minute wrote nothing")
            h.clock.advance(by: 61)
            #expect(try await browser.get("/vendors").status == .ok)
            let marked = try await lastSeen()
            #expect(marked.count == 1 && marked[0] > signedIn[0], "after a minute the mark is written once")

            // A second visitor who only looked at the sign-in page, and the signed-in one, both go idle.
            #expect(try await TestBrowser(app: h.app).get("/login").status == .ok)
            #expect(try await h.app.persistence.sessions.count() == 2)
            #expect(try await Housekeeping.runOnce(h.app).sessionsSwept == 0, "nothing is idle yet")
            h.clock.advance(by: h.app.context.config.sessionIdleTimeout + 1)
            #expect(try await Housekeeping.runOnce(h.app).sessionsSwept == 2)
            #expect(try await h.app.persistence.sessions.count() == 0)
            let swept = try await browser.get("/vendors")
            #expect(swept.status == .seeOther && swept.location?.hasPrefix("/login") == true)
        }
    }

    @Test func formsWithoutAValidCSRFTokenAreRefusedAndSaveNothing() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let missing = try await browser.post("/vendors", form: ["name": "No Token Co"])
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("This form has expired or was sent from another site"))
            let other = try await h.signedIn(.admin)
            try await other.get("/vendors/new")
            let foreign = try await browser.post("/vendors", form: ["name": "Foreign Token Co"], csrf: other.lastCSRF!)
            #expect(foreign.status == .forbidden)
            #expect(try await h.app.store.vendors.list(VendorQuery()).total == 0)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withWebApp { h in
            let browser = try await h.signedIn(.admin)
            let out = try await browser.post("/logout", form: [:], csrfFrom: "/")
            #expect(out.status == .seeOther)
            #expect(out.location == "/login")
            #expect(try await browser.get("/").status == .seeOther)
        }
    }
}
