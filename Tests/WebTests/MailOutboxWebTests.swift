import Domain
import Foundation
import Operations
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Mail that could not be delivered, as admins see it on the dashboard and through the API.
@Suite("Undeliverable mail")
struct MailOutboxWebTests {
    /// Queues one assignment mail and fails it as the worker would after its last attempt.
    static func undeliverable(_ h: WebHarness) async throws -> QueuedMail {
        let integration = try await seedIntegration(h, owner: .admin)
        _ = try await h.app.operations.reviews.start(kind: "security", reviewerID: h.user(.reviewer).id.description, scope: "All", dueOn: nil,
                                                     supersedes: nil, on: integration, by: Actor(user: h.user(.admin)))
        let claimed = try await h.app.store.outbox.claim(now: h.clock.now, limit: 10)
        let mail = try #require(claimed.first { $0.subject.hasPrefix("Assigned to you") })
        for other in claimed where other.id != mail.id {
            try await h.app.store.outbox.markSent(other.id, at: h.clock.now)
        }
        try await h.app.store.outbox.markFailed(mail.id, attempts: MailRetry.maxAttempts, error: "550 <reviewer@example.edu>: mailbox unavailable", retryAt: nil)
        return try #require(try await h.app.store.outbox.find(mail.id))
    }

    @Test func adminsSeeItAndSendItAgainOnce() async throws {
        try await withWebApp { h in
            let mail = try await Self.undeliverable(h)
            #expect(mail.state == .undeliverable)
            let admin = try await h.signedIn(.admin)
            let page = try await admin.get("/").text
            #expect(page.contains("id=\"undeliverable-mail\"") && page.contains("Mail undeliverable"))
            #expect(page.contains("550 &lt;reviewer@example.edu&gt;: mailbox unavailable"), "the server's answer is shown, escaped")
            #expect(page.contains("action=\"/mail/\(mail.id)/requeue\""))
            for role in [Role.reviewer, .procurement, .auditor] {
                let other = try await h.signedIn(role).get("/").text
                #expect(!other.contains("undeliverable-mail") && !other.contains("mailbox unavailable"), "\(role) does not see the outbox")
            }

            // Without the form's token nothing changes.
            let forged = try await admin.post("/mail/\(mail.id)/requeue", form: [:], csrf: "not-the-token")
            #expect(forged.status == .forbidden)
            #expect(try await h.app.store.outbox.find(mail.id)?.state == .undeliverable)
            #expect(try await h.signedIn(.reviewer).post("/mail/\(mail.id)/requeue", form: [:], csrfFrom: "/").status == .forbidden)

            let sent = try await admin.post("/mail/\(mail.id)/requeue", form: [:], csrfFrom: "/")
            #expect(sent.status == .seeOther)
            let requeued = try #require(try await h.app.store.outbox.find(mail.id))
            #expect(requeued.state == .pending && requeued.attempts == 0)
            let delivered = try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Assigned to you") }
            #expect(delivered.count == 1 && delivered[0].contains(h.user(.reviewer).email), "delivered once it is queued again")
            #expect(try await h.app.store.outbox.find(mail.id)?.state == .sent)
            let after = try await admin.get("/").text
            #expect(!after.contains("id=\"undeliverable-mail\""), "the panel is gone once nothing is undeliverable")
            let audit = try await h.app.store.audit.list(AuditQuery(page: PageRequest(page: 1, size: 50))).items
            #expect(audit.contains { $0.entityType == "mail" && $0.action == "requeue" && $0.entityID == mail.id.description })

            // A message that is not undeliverable is not queued again: the page says so and nothing changes.
            let again = try await admin.post("/mail/\(mail.id)/requeue", form: [:], csrfFrom: "/")
            #expect(again.status == .seeOther)
            #expect(try await h.app.store.outbox.find(mail.id)?.state == .sent)
            #expect(try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Assigned to you") }.count == 1)
        }
    }

    @Test func mailThatFailedOnceShowsWithTheServersAnswerBeforeItIsGivenUp() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            _ = try await h.app.operations.reviews.start(kind: "security", reviewerID: h.user(.reviewer).id.description, scope: "All", dueOn: nil,
                                                         supersedes: nil, on: integration, by: Actor(user: h.user(.admin)))
            let claimed = try await h.app.store.outbox.claim(now: h.clock.now, limit: 10)
            let mail = try #require(claimed.first)
            let retryAt = try #require(MailRetry.nextAttempt(after: 1, at: h.clock.now))
            try await h.app.store.outbox.markFailed(mail.id, attempts: 1, error: "421 try later", retryAt: retryAt)
            let admin = try await h.signedIn(.admin)
            let page = try await admin.get("/").text
            #expect(page.contains("id=\"retrying-mail\"") && page.contains("421 try later") && page.contains("Mail failing (will retry)"))
            #expect(!page.contains("id=\"undeliverable-mail\""), "it is not given up yet")
            let summary = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/mail", headers: bearer(try await h.token(.admin))))
            #expect(summary["retrying"] as? Int == 1)
            #expect((summary["recentRetrying"] as? [[String: Any]])?.first?["lastError"] as? String == "421 try later")
            #expect(!(try await h.signedIn(.reviewer).get("/").text.contains("421 try later")))
        }
    }

    @Test func theAPIShowsTheOutboxWithoutBodiesAndRequeuesOnlyUndeliverableMail() async throws {
        try await withWebApp { h in
            let mail = try await Self.undeliverable(h)
            let token = try await h.token(.admin)
            let summary = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/mail", headers: bearer(token)))
            #expect(summary["undeliverable"] as? Int == 1 && summary["waiting"] as? Int == 0)
            let recent = try #require(summary["recentUndeliverable"] as? [[String: Any]])
            #expect(recent.count == 1 && recent[0]["id"] as? String == mail.id.description && recent[0]["attempts"] as? Int == MailRetry.maxAttempts)
            #expect(recent[0]["body"] == nil && recent[0]["sealedBody"] == nil, "bodies never leave the outbox")
            for role in [Role.reviewer, .procurement, .auditor] {
                let other = try await h.token(role)
                #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/mail", headers: bearer(other)).status == .forbidden)
                #expect(try await h.app.testing().sendRequest(.POST, "/api/v1/mail/\(mail.id)/requeue", headers: bearer(other)).status == .forbidden)
            }
            let requeued = try await h.app.testing().sendRequest(.POST, "/api/v1/mail/\(mail.id)/requeue", headers: bearer(token))
            #expect(requeued.status == .ok)
            #expect(try json(requeued)["state"] as? String == "pending")
            let twice = try await h.app.testing().sendRequest(.POST, "/api/v1/mail/\(mail.id)/requeue", headers: bearer(token))
            #expect(twice.status == .conflict)
            let unknown = try await h.app.testing().sendRequest(.POST, "/api/v1/mail/\(UUID())/requeue", headers: bearer(token))
            #expect(unknown.status == .notFound)
            let waiting = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/mail", headers: bearer(token)))
            #expect(waiting["waiting"] as? Int == 1 && waiting["undeliverable"] as? Int == 0)
        }
    }
}
