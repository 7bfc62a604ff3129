import Domain
import Foundation
import Operations
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// The text of the dashboard's work queue table ("" when it is empty).
func queueText(_ browser: TestBrowser) async throws -> String {
    let page = try await browser.get("/").text
    guard let start = page.range(of: "<table id=\"queue\""), let end = page.range(of: "</table>", range: start.upperBound..<page.endIndex) else { return "" }
    return String(page[start.lowerBound..<end.upperBound])
}

@Suite("Each person's queue")
struct WorkQueueTests {
    @Test func eachRoleSeesWhatNeedsThem() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let store = h.app.store
            _ = try await store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            let link = try await createLink(h, integration)
            let vendor = TestBrowser(app: h.app)
            #expect(try await vendor.post(link + "/ferpa", form: ["q.VR-FERPA-02": "yes"], csrfFrom: link + "/ferpa").status == .seeOther)
            #expect(try await vendor.post(link + "/submit", form: [:], csrfFrom: link).status == .seeOther)

            // An admin starts a review assigned to the reviewer, due in a week, with a finding due in three days.
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            let due = CalendarDay.adding(days: 7, to: CalendarDay.of(h.clock.now))
            let started = try await admin.post(page + "/reviews", form: ["kind": "security", "reviewerID": h.user(.reviewer).id.description,
                                                                         "scope": "All of it", "dueOn": due], csrfFrom: page)
            let reviewPath = try #require(started.location, "\(errorsIn(started.text))")
            let findingDue = CalendarDay.adding(days: 3, to: CalendarDay.of(h.clock.now))
            let finding = try await admin.post(reviewPath + "/findings", form: ["title": "Tokens in logs", "severity": "high", "dueOn": findingDue],
                                               csrfFrom: reviewPath)
            #expect(finding.status == .seeOther, "\(errorsIn(finding.text))")
            let assigned = try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Assigned to you") }
            #expect(assigned.count == 1 && assigned[0].contains(h.user(.reviewer).email), "the reviewer is told of the assignment")

            let adminQueue = try await queueText(admin)
            #expect(adminQueue.contains("Vendor answers submitted") && adminQueue.contains("Finding due"))
            #expect(!adminQueue.contains("Answers to mark"), "the owner is not asked to mark their own integration")
            let reviewer = try await h.signedIn(.reviewer)
            let reviewerQueue = try await queueText(reviewer)
            #expect(reviewerQueue.contains("Whitelist to accept") && reviewerQueue.contains("Answers to mark"))
            #expect(reviewerQueue.contains("Review assigned to you") && reviewerQueue.contains(due))
            #expect(reviewerQueue.contains("Tokens in logs") && reviewerQueue.contains("assigned to you"))
            #expect(!reviewerQueue.contains("Vendor answers submitted"))
            let procurement = try await h.signedIn(.procurement)
            let procurementQueue = try await queueText(procurement)
            #expect(procurementQueue.contains("Finding due") && !procurementQueue.contains("Whitelist to accept") && !procurementQueue.contains("Answers to mark"))
            // Every link in every queue opens for the person who sees it.
            for (browser, text) in [(admin, adminQueue), (reviewer, reviewerQueue), (procurement, procurementQueue)] {
                for match in text.matches(of: /href="([^"]+)"/) {
                    #expect(try await browser.get(String(match.1)).status == .ok, "\(match.1)")
                }
            }
        }
    }

    @Test func overdueWorkIsMailedOnceADayToWhoeverHasIt() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, owner: .admin)
            let yesterday = CalendarDay.adding(days: -1, to: CalendarDay.of(h.clock.now))
            _ = try await h.app.operations.reviews.start(kind: "security", reviewerID: h.user(.reviewer).id.description, scope: "All", dueOn: yesterday,
                                                         supersedes: nil, on: integration, by: Actor(user: h.user(.admin)))
            func overdue() async throws -> [String] { try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Overdue by") } }
            _ = try await h.app.operations.reminders.send()
            let firstDay = try await overdue()
            #expect(firstDay.count == 1 && (firstDay.first?.contains(h.user(.reviewer).email) ?? false))
            _ = try await h.app.operations.reminders.send()
            #expect(try await overdue().count == 1, "once a day")
            h.clock.advance(by: 86_400)
            _ = try await h.app.operations.reminders.send()
            #expect(try await overdue().count == 2, "and again the next day")
        }
    }

    @Test func aVendorIsRemindedBeforeTheirLinkExpires() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            let link = try await createLink(h, integration, days: "2")
            _ = try await h.app.operations.reminders.send()
            let reminders = try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Your VendorReview answer link expires") }
            #expect(reminders.count == 1)
            #expect(reminders.first?.contains("To: Vera Vendor <vera@vendor.example>") == true)
            #expect(reminders.first?.contains("/integrations/") == false, "a vendor is never sent a staff page")
            #expect(reminders.first?.contains(String(link.dropFirst("/respond/".count))) == false, "the secret is not kept, so not re-sent")
            _ = try await h.app.operations.reminders.send()
            #expect(try await h.mail().filter { WebHarness.subject(of: $0).hasPrefix("Your VendorReview answer link expires") }.count == 1)
        }
    }
}
