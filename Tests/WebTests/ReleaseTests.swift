import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Completes every gate item for an integration owned by the admin, through the repositories.
func makeReady(_ h: WebHarness) async throws -> Integration {
    let store = h.app.store
    let now = h.clock.now
    let reviewer = h.user(.reviewer)
    let reviewerActor = Actor(user: reviewer)
    let vendor = try await store.vendors.create(VendorFields(name: "Ready Vendor", securityContactEmail: "security@ready.example", standing: .goodStanding),
                                                id: .init(UUID()), by: .commandLine, at: now)
    _ = try await store.contracts.create(ContractFields(
        title: "MSA", kind: .masterAgreement, status: .signed, signedOn: "2020-01-01", startsOn: "2020-01-01", breachNotificationHours: 72,
        clauses: [.ferpaSchoolOfficial: Clause(present: true), .breachNotification: Clause(present: true), .outOfScopeAction: Clause(present: true)]),
        vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: now)
    let integration = try await store.integrations.create(
        IntegrationFields(name: "Ready sync", kind: .apiDeveloperKey, installLevel: .rootAccount, purpose: "Sync", classification: .restricted,
                          ownerID: h.user(.admin).id),
        vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: now)
    _ = try await store.integrations.saveWhitelist(
        [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster])],
        for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: now)
    _ = try await store.integrations.acceptWhitelist(integration.id, version: 1, by: reviewerActor, userID: reviewer.id, at: now)
    for id in h.app.context.policy.requiredQuestionnaires {
        let q = h.app.context.questionnaire(id)!
        var values: [String: [String]] = [:]
        for question in q.questions {
            switch question.type {
            case .date: values[question.id] = ["2026-01-01"]
            case .text: values[question.id] = ["Answered"]
            case .fileEvidence: values[question.id] = ["evidence.pdf"]
            default: values[question.id] = [question.expected?.first ?? question.allowedValues?.first ?? "x"]
            }
        }
        _ = try await store.answers.save(values, questionnaire: q, integration: integration.id, source: .vendor, by: .system, at: now)
    }
    let review = try await store.reviews.create(ReviewFields(reviewerID: reviewer.id, scope: "all"), kind: .security, integration: integration.id,
                                                id: .init(UUID()), supersedes: nil, by: reviewerActor, at: now)
    let today = CalendarDay.of(now)
    _ = try await store.reviews.decide(review.id, expectedVersion: 1, by: reviewerActor, decidedByID: reviewer.id, at: now) { current, findings in
        try ReviewDecisionRecord.validate(decision: "approve", conditions: nil, validUntil: nil, today: today, review: current, findings: findings)
    }
    // Only an approved integration can have a key: submitted, then approved by someone who is not its owner.
    let submitted = try await store.integrations.perform(.submitForReview, note: nil, on: integration.id, expectedVersion: 1, by: .commandLine, at: now)
    return try await store.integrations.perform(.approve, note: nil, on: integration.id, expectedVersion: submitted.version, by: reviewerActor, at: now)
}

/// The six-digit code in the newest confirmation message. Outbox files share the test clock's time
/// in their names, so the newest is found by the file's own modification time.
func latestCode(_ h: WebHarness) async throws -> String {
    try await h.app.operations.mail.deliverDue()
    let names = try FileManager.default.contentsOfDirectory(atPath: h.outbox).filter { $0.hasSuffix(".eml") }
    let codes = try names.compactMap { name -> (Date, String)? in
        let path = h.outbox + name
        guard let code = try String(contentsOfFile: path, encoding: .utf8).firstMatch(of: /is:\r\n\r\n    (\d{6})/)?.1 else { return nil }
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date ?? .distantPast
        return (modified, String(code))
    }
    return try #require(codes.max { $0.0 < $1.0 }?.1)
}

@Suite("Gate and key release over HTTP")
struct ReleaseTests {
    @Test func anUnmetGateRefusesReleaseWithTheOpenItems() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let view = try await admin.get(page)
            #expect(view.text.contains("Issuance gate") && view.text.contains("no key can be released yet"))
            let refused = try await admin.post(page + "/releases", form: [:], csrfFrom: page)
            #expect(refused.status == .conflict && refused.text.contains("The issuance gate is not met"))
            #expect(try await h.app.store.releases.list(integration.id).isEmpty)
            let token = try await h.token(.admin)
            let api = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations/\(integration.id)/releases", headers: jsonHeaders(token), body: try jsonBody([:]))
            #expect(api.status == .conflict)
            let error = try #require(try json(api)["error"] as? [String: Any])
            #expect(error["code"] as? String == "gate_unmet")
            let fields = try #require(error["fields"] as? [String: String])
            #expect(fields["security_review"] != nil && fields["contract"] != nil && fields["vendor_standing"] != nil && fields["status"] != nil)
            let gate = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/gate", headers: bearer(try await h.token(.auditor))))
            #expect(gate["met"] as? Bool == false && (gate["items"] as? [Any])?.count == 11)
            let reviewerTry = try await (try await h.signedIn(.reviewer)).post(page + "/releases", form: [:], csrfFrom: page)
            #expect(reviewerTry.status == .forbidden)
        }
    }

    @Test(arguments: TestEngine.available)
    func aMetGateReleasesAfterTheEmailedCode(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await makeReady(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            #expect(try await admin.get(page).text.contains("Every item is met"))
            let requested = try await admin.post(page + "/releases", form: [:], csrfFrom: page)
            #expect(requested.status == .seeOther, "\(errorsIn(requested.text))")
            let releasePath = try #require(requested.location)
            let code = try await latestCode(h)

            // Another admin cannot confirm someone else's release.
            let other = try await h.app.store.users.create(NewUser(email: "second@northfield.example", name: "Second", role: .admin), id: .init(UUID()),
                                                           passwordHash: try await h.app.context.hasher.hash(WebHarness.password), by: .commandLine, at: h.clock.now)
            let second = TestBrowser(app: h.app)
            _ = try await second.login(email: other.email, password: WebHarness.password)
            let stolen = try await second.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "170000000000555", "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
            #expect(stolen.status == .unprocessableEntity)

            let wrong = try await admin.post(releasePath + "/verify", form: ["code": code == "000000" ? "111111" : "000000", "canvasKeyID": "170000000000555",
                                                                              "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
            #expect(wrong.status == .unprocessableEntity && wrong.text.contains("That code did not work."))
            // The refused attempt is recorded, but the vendor's notice belongs only with the write that releases.
            #expect(try await h.mail().filter { $0.contains("Developer key released") }.isEmpty, "a refused code tells the vendor nothing")
            let missingKey = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "", "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
            #expect(missingKey.status == .unprocessableEntity && missingKey.text.contains("developer key&#39;s id") || missingKey.text.contains("developer key's id"))
            let released = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "170000000000555", "rereviewOn": "2099-01-01"],
                                                csrfFrom: releasePath)
            #expect(released.status == .seeOther, "\(errorsIn(released.text))")
            let view = try await admin.get(releasePath)
            #expect(view.text.contains("Released (on)") && view.text.contains("170000000000555") && view.text.contains("url:GET|/api/v1/courses/:course_id/users"))
            #expect(try await h.mail().filter { $0.contains("To: security@ready.example") && $0.contains("Developer key released") }.count == 1,
                    "the vendor is told once, with the release")
            let reuse = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "170000000000555", "rereviewOn": "2099-01-01"],
                                             csrfFrom: releasePath)
            #expect(reuse.status == .unprocessableEntity, "a used code is refused")

            // Turning the key off needs a reason and is audited.
            let off = try await admin.post(releasePath + "/actions", form: ["action": "turn_off", "note": "Vendor called endpoints outside scope"], csrfFrom: releasePath)
            #expect(off.status == .seeOther)
            #expect(try await admin.get(releasePath).text.contains(">Off<"))
            let actions = try await h.app.store.audit.list(AuditQuery(entityType: "key_release")).items.map(\.action)
            #expect(Set(actions) == ["request", "release", "code_refused", "turn_off"], "every attempt is audited: \(actions)")
        }
    }

    @Test func rotationReleasesANewKeyAndRetiresTheOld() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let firstPath = try #require(try await admin.post(page + "/releases", form: [:], csrfFrom: page).location)
            let confirmed = try await admin.post(firstPath + "/verify", form: ["code": try await latestCode(h), "canvasKeyID": "170000000000001", "rereviewOn": "2099-01-01"],
                                                 csrfFrom: firstPath)
            #expect(confirmed.status == .seeOther)
            let firstID = String(firstPath.split(separator: "/").last!)
            let rotation = try await admin.post(page + "/releases", form: ["previous": firstID], csrfFrom: firstPath)
            let secondPath = try #require(rotation.location)
            #expect(secondPath != firstPath)
            #expect(try await admin.get(firstPath).text.contains("Released (on)"), "the old key stays on until the new one is confirmed")
            let second = try await admin.post(secondPath + "/verify", form: ["code": try await latestCode(h), "canvasKeyID": "170000000000002", "rereviewOn": "2099-01-01"],
                                              csrfFrom: secondPath)
            #expect(second.status == .seeOther)
            #expect(try await admin.get(firstPath).text.contains(">Retired<"))
            let releases = try await h.app.store.releases.list(integration.id)
            #expect(releases.first { $0.details?.canvasKeyID == "170000000000002" }?.previousID?.description == firstID)
        }
    }

    @Test func theReleaseLocksAfterFifteenMinutesAndResendsAreLimited() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let releasePath = try #require(try await admin.post(page + "/releases", form: [:], csrfFrom: page).location)
            for _ in 0..<2 {
                #expect(try await admin.post(releasePath + "/resend", form: [:], csrfFrom: releasePath).status == .seeOther)
            }
            let fourth = try await admin.post(releasePath + "/resend", form: [:], csrfFrom: releasePath)
            #expect(fourth.status == .unprocessableEntity && fourth.text.contains("All 3 codes"))
            let code = try await latestCode(h)
            h.clock.advance(by: 15 * 60)
            let late = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "1", "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
            #expect(late.status == .unprocessableEntity && late.text.contains("locked"))
            #expect(try await admin.get(releasePath).text.contains("Locked"))
        }
    }
}

@Suite("Reminders over the app")
struct ReminderServiceTests {
    @Test func contractEndsAppearOnTheDashboardAndAreMailedOnce() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Ending Vendor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let ends = CalendarDay.adding(days: 20, to: CalendarDay.of(h.clock.now))
            _ = try await h.app.store.contracts.create(ContractFields(title: "Short MSA", kind: .masterAgreement, status: .signed, signedOn: "2020-01-01", endsOn: ends),
                                                       vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let dashboard = try await (try await h.signedIn(.procurement)).get("/")
            #expect(dashboard.text.contains("Contract ends") && dashboard.text.contains("20 days") && dashboard.text.contains("Short MSA"))
            async let first = h.app.operations.reminders.send()
            async let second = h.app.operations.reminders.send()
            #expect(try await first + second == 1)
            #expect(try await h.app.operations.reminders.send() == 0)
            let mails = try await h.mail().filter { WebHarness.subject(of: $0) == "Contract ends in 20 days: “Short MSA” with Ending Vendor" }
            #expect(mails.count == 1 && mails[0].contains("To: Test Admin <admin@northfield.example>"))
        }
    }
}

@Suite("Inherited keys and the token register over HTTP")
struct InventoryPageTests {
    @Test(arguments: TestEngine.available)
    func adminsRecordKeysAndTokensAndAuditorsReadThem(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            let admin = try await h.signedIn(.admin)
            let bad = try await admin.post("/inherited-keys", form: ["name": "", "vendor": "Turnitin", "state": "on"], csrfFrom: "/inherited-keys/new")
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Name is required"))
            let created = try await admin.post("/inherited-keys", form: ["name": "Turnitin global", "vendor": "Turnitin", "state": "on", "dependents": integration.id.description],
                                               csrfFrom: "/inherited-keys/new")
            #expect(created.status == .seeOther)
            let list = try await (try await h.signedIn(.procurement)).get("/inherited-keys")
            #expect(list.text.contains("on but unreviewed") && list.text.contains("Gradebook sync"))

            let register = "/token-register"
            #expect(try await (try await h.signedIn(.procurement)).get(register).status == .forbidden, "names of token holders are for admins and auditors")
            let manual = try await admin.post(register, form: ["holder": "Stu Dent", "role": "student", "purpose": "", "createdOn": "2026-09-01",
                                                               "integrationID": integration.id.description], csrfFrom: register)
            #expect(manual.status == .seeOther)
            let csrf = try #require(admin.lastCSRF)
            let csv = "holder,role,purpose,created_on,expires_on,last_used_on,integration_id\nPat Lee,teacher,Grade export,2026-09-01,2026-12-01,,Gradebook sync\n"
            let imported = try await admin.postMultipart(register + "/import", csrf: csrf, filename: "tokens.csv", bytes: Array(csv.utf8))
            #expect(imported.status == .seeOther)
            let refused = try await admin.postMultipart(register + "/import", csrf: csrf, filename: "bad.csv", bytes: Array("holder,role,created_on\nX,wizard,2026-01-01\n".utf8))
            #expect(refused.status == .unprocessableEntity && refused.text.contains("Nothing was imported"))
            let view = try await (try await h.signedIn(.auditor)).get(register)
            #expect(view.text.contains("Students may not hold tokens") && view.text.contains("A purpose is required") && view.text.contains("service account"))
            #expect(try await h.app.store.tokenRegister.list().count == 2)
            let entry = try #require(try await h.app.store.tokenRegister.list().first { $0.fields.holder == "Stu Dent" })
            let noNote = try await admin.post("/token-register/\(entry.id)/revoke", form: ["note": ""], csrfFrom: register)
            #expect(noNote.status == .unprocessableEntity)
            let revoked = try await admin.post("/token-register/\(entry.id)/revoke", form: ["note": "Deleted in Canvas by Ana"], csrfFrom: register)
            #expect(revoked.status == .seeOther)
            let api = try await h.app.testing().sendRequest(.GET, "/api/v1/inherited-keys", headers: bearer(try await h.token(.reviewer)))
            let keys = try #require(try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as? [[String: Any]])
            #expect(keys.count == 1 && keys[0]["flagged"] as? Bool == true && keys[0]["canvasKeyID"] is NSNull)
            let audit = try await h.app.store.audit.list(AuditQuery(entityType: "token_register")).items.map(\.action)
            #expect(audit.sorted() == ["add", "add", "revoke"])
        }
    }
}
