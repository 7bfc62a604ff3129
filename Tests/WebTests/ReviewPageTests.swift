import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Reviews and answer marks over HTTP")
struct ReviewPageTests {
    @Test(arguments: TestEngine.available)
    func aReviewerRecordsAFindingDecidesAndTheReviewLocks(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let reviewer = try await h.signedIn(.reviewer)
            let page = "/integrations/\(integration.id)"
            let bad = try await reviewer.post(page + "/reviews", form: ["kind": "security", "reviewerID": h.user(.admin).id.description, "scope": ""], csrfFrom: page)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.text.contains("separation of duties") && bad.text.contains("Scope is required"))
            let created = try await reviewer.post(page + "/reviews", form: ["kind": "security", "reviewerID": h.user(.reviewer).id.description,
                                                                            "scope": "OAuth flow and token storage"], csrfFrom: page)
            #expect(created.status == .seeOther)
            let reviewPath = try #require(created.location)
            let finding = try await reviewer.post(reviewPath + "/findings", form: ["title": "Tokens in logs", "severity": "high", "dueOn": "2027-01-31"],
                                                  csrfFrom: reviewPath)
            #expect(finding.status == .seeOther)
            let blocked = try await reviewer.post(reviewPath + "/decision", form: ["decision": "approve", "version": "1"], csrfFrom: reviewPath)
            #expect(blocked.status == .unprocessableEntity && blocked.text.contains("must be remediated or their risk accepted"))

            // The owner (admin here) may edit but cannot decide.
            let owner = try await h.signedIn(.admin)
            let ownerView = try await owner.get(reviewPath)
            #expect(ownerView.text.contains("cannot approve, accept, mark or decide") && !ownerView.text.contains("id=\"decide\""))
            let ownerDecides = try await owner.post(reviewPath + "/decision", form: ["decision": "reject", "conditions": "no", "version": "1"], csrfFrom: reviewPath)
            #expect(ownerDecides.status == .forbidden && ownerDecides.text.contains("separation of duties"))

            let decided = try await reviewer.post(reviewPath + "/decision", form: ["decision": "approve_with_conditions", "conditions": "Remove tokens from logs",
                                                                                  "version": "1"], csrfFrom: reviewPath)
            #expect(decided.status == .seeOther, "\(errorsIn(decided.text))")
            let view = try await (try await h.signedIn(.procurement)).get(reviewPath)
            #expect(view.text.contains("Approved with conditions") && view.text.contains(CalendarDay.adding(months: 12, to: CalendarDay.of(h.clock.now))) && view.text.contains("Tokens in logs"))
            let late = try await reviewer.post(reviewPath + "/findings", form: ["title": "Late", "severity": "low"], csrfFrom: reviewPath)
            #expect(late.status == .conflict && late.text.contains("decided and is locked"))

            let renewed = try await reviewer.post(page + "/reviews", form: ["kind": "security", "reviewerID": h.user(.reviewer).id.description,
                                                                            "scope": "Re-review after the fix", "supersedes": String(reviewPath.split(separator: "/").last!)],
                                                  csrfFrom: reviewPath)
            #expect(renewed.status == .seeOther)
            let history = try await reviewer.get(try #require(renewed.location))
            #expect(history.text.contains("History") && history.text.contains("Approved with conditions on"))
            let events = try await h.app.store.audit.list(AuditQuery(entityType: "review")).items.map(\.action)
            #expect(Set(events) == ["create", "finding", "decide"])
        }
    }

    @Test func reviewersMarkAnswersAndStaffAnswerWithDeviationsShown() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let admin = try await h.signedIn(.admin)
            let path = "/integrations/\(integration.id)/questionnaires/ferpa"
            let saved = try await admin.post(path, form: ["q.VR-FERPA-02": "no", "q.VR-FERPA-01": "grades"], csrfFrom: path)
            #expect(saved.status == .seeOther)
            let view = try await admin.get(path)
            #expect(view.text.contains("deviation-critical") && view.text.contains("Differs from the expected answer"))
            let reviewer = try await h.signedIn(.reviewer)
            let noComment = try await reviewer.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "unacceptable"], csrfFrom: path)
            #expect(noComment.status == .unprocessableEntity)
            let marked = try await reviewer.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "unacceptable", "comment": "Must be a school official"],
                                                 csrfFrom: path)
            #expect(marked.status == .seeOther)
            #expect(try await reviewer.get(path).text.contains("Must be a school official"))
            let procurement = try await h.signedIn(.procurement)
            let refused = try await procurement.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "accepted"], csrfFrom: path)
            #expect(refused.status == .forbidden)
            // The owner (an admin, who may mark elsewhere) cannot wash out the objection on their own integration.
            let ownMark = try await admin.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "accepted"], csrfFrom: path)
            #expect(ownMark.status == .forbidden && ownMark.text.contains("separation of duties"))
            let audit = try await h.app.store.audit.list(AuditQuery(entityType: "integration", action: "mark")).items
            #expect(audit.count == 1 && audit[0].summary.contains("marked unacceptable: Must be a school official"))
        }
    }

    @Test func theAPIRunsTheSameReviewRules() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .reviewer)
            let token = try await h.token(.reviewer)
            let created = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations/\(integration.id)/reviews", headers: jsonHeaders(token),
                body: try jsonBody(["kind": "accessibility", "reviewerID": h.user(.admin).id.description, "scope": "Student-facing LTI pages"]))
            #expect(created.status == .created)
            let review = try json(created)
            let id = try #require(review["id"] as? String)
            #expect(review["decision"] is NSNull && review["locked"] as? Bool == false, "empty fields are null, not missing")
            let decide = try await h.app.testing().sendRequest(.POST, "/api/v1/reviews/\(id)/decision", headers: jsonHeaders(token),
                body: try jsonBody(["decision": "approve", "version": 1]))
            #expect(try decide.status == .forbidden && (json(decide)["error"] as? [String: Any])?["code"] as? String == "separation_of_duties")
            let admin = try await h.token(.admin)
            var outcomes: [String: String] = [:]
            for area in ACRArea.allCases { outcomes[area.rawValue] = "supports" }
            let patched = try await h.app.testing().sendRequest(.PATCH, "/api/v1/reviews/\(id)", headers: jsonHeaders(admin),
                body: try jsonBody(["outcomes": outcomes, "version": 1]))
            #expect(patched.status == .ok)
            let approved = try await h.app.testing().sendRequest(.POST, "/api/v1/reviews/\(id)/decision", headers: jsonHeaders(admin),
                body: try jsonBody(["decision": "approve", "version": 2]))
            #expect(approved.status == .ok)
            #expect(try json(approved)["validUntil"] as? String == CalendarDay.adding(months: 12, to: CalendarDay.of(h.clock.now)))
            let again = try await h.app.testing().sendRequest(.PATCH, "/api/v1/reviews/\(id)", headers: jsonHeaders(admin),
                body: try jsonBody(["scope": "changed", "version": 3]))
            #expect(try again.status == .conflict && (json(again)["error"] as? [String: Any])?["code"] as? String == "locked")
            let list = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/questionnaires", headers: bearer(token))
            #expect(list.status == .ok && list.text.contains("\"id\":\"coppa\""))
            let answers = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(integration.id)/questionnaires/ai_use", headers: jsonHeaders(admin),
                body: try jsonBody(["answers": ["nope": ["x"]]]))
            #expect(answers.status == .unprocessableEntity)
        }
    }
}
