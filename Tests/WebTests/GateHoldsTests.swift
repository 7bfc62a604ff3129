import Domain
import Foundation
import Operations
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Releases a key for a ready integration through the pages and returns the release's path.
func releaseKey(_ h: WebHarness, _ integration: Integration, keyID: String = "170000000000777") async throws -> String {
    let admin = try await h.signedIn(.admin)
    let page = "/integrations/\(integration.id)"
    let requested = try await admin.post(page + "/releases", form: [:], csrfFrom: page)
    let releasePath = try #require(requested.location, "\(errorsIn(requested.text))")
    let released = try await admin.post(releasePath + "/verify", form: ["code": try await latestCode(h), "canvasKeyID": keyID, "rereviewOn": "2099-01-01"],
                                        csrfFrom: releasePath)
    #expect(released.status == .seeOther, "\(errorsIn(released.text))")
    return releasePath
}

/// The whole questionnaire form as a browser posts it (every saved answer), with some answers changed.
func answerForm(_ h: WebHarness, _ integration: Integration, _ questionnaire: String, changing: [String: String]) async throws -> [String: String] {
    var form: [String: String] = [:]
    for answer in try await h.app.store.answers.answers(integration.id) where answer.questionnaireID == questionnaire {
        if let first = answer.values.first { form["q.\(answer.questionID)"] = first }
    }
    for (id, value) in changing { form["q.\(id)"] = value }
    return form
}

/// The gate-lapse messages in the outbox.
func lapseMail(_ h: WebHarness) async throws -> [String] { try await h.mail().filter { $0.contains("Subject: Gate no longer met") } }

@Suite("The gate holds")
struct GateHoldsTests {
    @Test func onlyAnApprovedIntegrationCanHaveAKey() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            // Re-opened for review: every other item is met, and the release is still refused.
            let reopened = try await admin.post(page + "/actions", form: ["action": "reopen", "note": "Vendor changed hosting", "version": String(integration.version)],
                                                csrfFrom: page)
            #expect(reopened.status == .seeOther, "\(errorsIn(reopened.text))")
            let view = try await admin.get(page)
            #expect(view.text.contains("It is in review: a reviewer who is not its owner approves it."))
            let refused = try await admin.post(page + "/releases", form: [:], csrfFrom: page)
            #expect(refused.status == .conflict && refused.text.contains("Integration approved"))
            #expect(try await h.app.store.releases.list(integration.id).isEmpty)
            #expect(try await h.mail().filter { $0.contains("Developer key released") }.isEmpty, "the vendor is told nothing")
        }
    }

    @Test func theOwnerNeverDecidesTheirOwnIntegration() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let submitted = try await admin.post(page + "/actions", form: ["action": "submit_for_review", "version": "1"], csrfFrom: page)
            #expect(submitted.status == .seeOther, "submitting is the owner's to do")
            let view = try await admin.get(page)
            #expect(!view.text.contains("id=\"action-approve\""), "the owner is not offered approval")
            let own = try await admin.post(page + "/actions", form: ["action": "approve", "version": "2"], csrfFrom: page)
            #expect(own.status == .forbidden && own.text.contains("separation of duties"))
            let api = try await h.app.testing().sendRequest(.POST, "/api/v1/integrations/\(integration.id)/actions",
                                                            headers: jsonHeaders(try await h.token(.admin)), body: try jsonBody(["action": "approve", "version": 2]))
            #expect(api.status == .forbidden)
            #expect(try await h.app.store.integrations.find(integration.id)?.status == .inReview)

            let reviewer = try await h.signedIn(.reviewer)
            let approved = try await reviewer.post(page + "/actions", form: ["action": "approve", "version": "2"], csrfFrom: page)
            #expect(approved.status == .seeOther, "\(errorsIn(approved.text))")
            let saved = try #require(try await h.app.store.integrations.find(integration.id))
            #expect(saved.status == .approved && saved.statusChange?.by.contains(h.user(.reviewer).email) == true)
            #expect(try await admin.get(page).text.contains("Approved by \(h.user(.reviewer).email)"), "the decision says who and when")
        }
    }

    @Test func theOwnerCannotWashOutAReviewersObjection() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let admin = try await h.signedIn(.admin)
            let path = "/integrations/\(integration.id)/questionnaires/ferpa"
            #expect(try await admin.post(path, form: ["q.VR-FERPA-02": "no"], csrfFrom: path).status == .seeOther)
            let reviewer = try await h.signedIn(.reviewer)
            let marked = try await reviewer.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "unacceptable", "comment": "Must be a school official"],
                                                 csrfFrom: path)
            #expect(marked.status == .seeOther)
            // The owner overwrites the answer: the mark stays visible, no longer counts, and still blocks.
            #expect(try await admin.post(path, form: ["q.VR-FERPA-02": "yes"], csrfFrom: path).status == .seeOther)
            let answer = try #require(try await h.app.store.answers.answers(integration.id).first { $0.questionID == "VR-FERPA-02" })
            #expect(answer.mark == .unacceptable && answer.markStale)
            let view = try await admin.get(path)
            #expect(view.text.contains("Changed since marked") && view.text.contains("Must be a school official"))
            let gate = try await h.app.operations.gates.evaluate(integration)
            let ferpa = try #require(gate.items.first { $0.id == "questionnaire_ferpa" })
            #expect(ferpa.status == .unmet && ferpa.reason.contains("changed since marked"))
            let superseded = try await h.app.store.audit.list(AuditQuery(entityType: "integration", action: "mark_superseded")).items
            #expect(superseded.count == 1 && superseded[0].summary.contains("VR-FERPA-02: unacceptable"))
            // Only a reviewer who is not the owner can make it count again.
            let own = try await admin.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "accepted"], csrfFrom: path)
            #expect(own.status == .forbidden)
            #expect(try await reviewer.post(path + "/marks", form: ["question": "VR-FERPA-02", "mark": "accepted"], csrfFrom: path).status == .seeOther)
            let again = try await h.app.operations.gates.evaluate(integration)
            #expect(!(again.items.first { $0.id == "questionnaire_ferpa" }?.reason.contains("changed since marked") ?? true))
        }
    }

    @Test func aChangeAfterReleaseFlagsTheKeyAndTellsTheOwnerAndAdminsOnce() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let releasePath = try await releaseKey(h, integration)
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            // Through the still-open link the vendor gives a critically wrong FERPA answer.
            let wrong = try await vendor.post(link + "/ferpa", form: try await answerForm(h, integration, "ferpa", changing: ["VR-FERPA-02": "no"]),
                                              csrfFrom: link + "/ferpa")
            #expect(wrong.status == .seeOther, "\(errorsIn(wrong.text))")
            let release = try #require(try await h.app.store.releases.list(integration.id).first { $0.state == .released })
            let lapse = try #require(release.gateLapse, "the released key is flagged")
            #expect(lapse.reason.contains("VR-FERPA-02"))
            let mails = try await lapseMail(h)
            #expect(mails.count == 1)
            #expect(mails.first?.contains(h.user(.admin).email) == true, "the owner (and every admin) is told")
            let admin = try await h.signedIn(.admin)
            #expect(try await admin.get(releasePath).text.contains("Gate no longer met"))
            #expect(try await admin.get("/integrations/\(integration.id)").text.contains("gate no longer met"))
            #expect(try await admin.get("/").text.contains("Gate no longer met"), "the dashboard shows it")
            // A second closing change does not mail again.
            let worse = try await vendor.post(link + "/ferpa", form: try await answerForm(h, integration, "ferpa", changing: ["VR-FERPA-07": "longer"]),
                                              csrfFrom: link + "/ferpa")
            #expect(worse.status == .seeOther)
            #expect(try await lapseMail(h).count == 1)
            let events = try await h.app.store.audit.list(AuditQuery(entityType: "key_release", action: "gate_lapsed")).items
            #expect(events.count == 1 && events[0].summary.contains("vendor answers"))
            // Turning the key back on needs the gate met.
            let off = try await admin.post(releasePath + "/actions", form: ["action": "turn_off", "note": "Gate lapsed"], csrfFrom: releasePath)
            #expect(off.status == .seeOther)
            let on = try await admin.post(releasePath + "/actions", form: ["action": "turn_on", "note": "Back"], csrfFrom: releasePath)
            #expect(on.status == .conflict)
            // A reviewer accepts the deviation: the gate is met again and the flag goes.
            let reviewer = try await h.signedIn(.reviewer)
            let path = "/integrations/\(integration.id)/questionnaires/ferpa"
            for question in ["VR-FERPA-02", "VR-FERPA-07"] {
                #expect(try await reviewer.post(path + "/marks", form: ["question": question, "mark": "accepted"], csrfFrom: path).status == .seeOther)
            }
            #expect(try await admin.post(releasePath + "/actions", form: ["action": "turn_on", "note": "Deviation accepted"], csrfFrom: releasePath).status == .seeOther)
            #expect(try await h.app.operations.gates.evaluate(integration).isMet)
        }
    }

    @Test func retiringAnIntegrationWithAKeyOnFlagsTheKey() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            _ = try await releaseKey(h, integration)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let current = try #require(try await h.app.store.integrations.find(integration.id))
            let retired = try await admin.post(page + "/actions", form: ["action": "retire", "version": String(current.version)], csrfFrom: page)
            #expect(retired.status == .seeOther, "\(errorsIn(retired.text))")
            let release = try #require(try await h.app.store.releases.list(integration.id).first { $0.state == .released })
            #expect(release.gateLapse?.reason.contains("retired") == true)
            #expect(try await lapseMail(h).count == 1)
        }
    }

    @Test func timeAloneClosingTheGateIsCaughtByTheScheduledRecheck() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            _ = try await releaseKey(h, integration)
            // The security review was approved for a year; two years on, it has expired.
            h.clock.advance(by: 2 * 366 * 86_400)
            let outcome = try await h.app.operations.gateWatch.recheckAll(after: "the scheduled re-check")
            #expect(outcome.lapsed.count == 1)
            #expect(try await h.app.operations.gateWatch.recheckAll(after: "the scheduled re-check").lapsed.isEmpty, "flagged once")
            #expect(try await lapseMail(h).count == 1)
        }
    }

    @Test func aLockedReleaseSaysWhyAndWhatToDo() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let releasePath = try #require(try await admin.post(page + "/releases", form: [:], csrfFrom: page).location)
            let code = try await latestCode(h)
            var last: TestingHTTPResponse?
            for _ in 0..<5 {
                last = try await admin.post(releasePath + "/verify", form: ["code": code == "000000" ? "111111" : "000000", "canvasKeyID": "170000000000555",
                                                                             "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
            }
            let text = try #require(last).text
            #expect(text.contains("locked after 5 wrong codes") && text.contains("Start a new release"))
            #expect(!text.contains("correct the fields marked below"), "no pointer at fields that are not there")
            #expect(try await admin.get(releasePath).text.contains("locked after 5 wrong codes"))
        }
    }
}
