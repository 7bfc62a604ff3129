import Domain
import Foundation
import Logging
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Counts the SQL statements the database drivers announce ("Executing query", at trace level).
final class QueryCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }
    func reset() { lock.withLock { count = 0 } }
    fileprivate func add() { lock.withLock { count += 1 } }

    var logger: Logger {
        Logger(label: "query-counter") { _ in CallbackLogHandler { _, message, _ in if message == "Executing query" { self.add() } } }
    }
}

@Suite("The integration page's cost")
struct IntegrationPageQueryTests {
    /// The page reads a fixed number of statements whether an integration has one review or many,
    /// one answer link or many, one release or many.
    @Test(arguments: TestEngine.available)
    func queriesPerPageDoNotGrowWithTheData(engine: TestEngine) async throws {
        let counter = QueryCounter()
        try await withWebApp(engine, logger: counter.logger) { h in
            let integration = try await makeReady(h)
            let browser = try await h.signedIn(.admin)
            let path = "/integrations/\(integration.id)"
            func cost() async throws -> Int {
                counter.reset()
                let page = try await browser.get(path)
                #expect(page.status == .ok)
                return counter.value
            }
            _ = try await cost()  // the first request also loads the session
            let small = try await cost()
            #expect(small > 0, "the counter saw no statement at all")

            let store = h.app.store
            let reviewer = h.user(.reviewer)
            let actor = Actor(user: reviewer)
            let today = CalendarDay.of(h.clock.now)
            for index in 0..<6 {
                let review = try await store.reviews.create(ReviewFields(reviewerID: reviewer.id, scope: "round \(index)"), kind: .security,
                                                            integration: integration.id, id: .init(UUID()), supersedes: nil, by: actor, at: h.clock.now)
                _ = try await store.reviews.addFinding(FindingFields(title: "Finding \(index)", description: "", severity: .low, dueOn: nil),
                                                       to: review.id, id: .init(UUID()), by: actor, at: h.clock.now)
                let version = try #require(try await store.reviews.find(review.id)).version
                _ = try await store.reviews.decide(review.id, expectedVersion: version, by: actor, decidedByID: reviewer.id, at: h.clock.now) { current, findings in
                    try ReviewDecisionRecord.validate(decision: "approve", conditions: nil, validUntil: nil, today: today, review: current, findings: findings)
                }
                _ = try await h.app.operations.vendorLinks.create(contactName: "Contact \(index)", contactEmail: "c\(index)@vendor.example", days: "10",
                                                                  for: integration, by: .commandLine)
            }
            for _ in 0..<3 { _ = try await h.app.operations.releases.request(integration, rotating: nil, by: h.user(.admin)) }
            let large = try await cost()
            #expect(large == small, "\(small) statements for the small integration, \(large) for the large one")
        }
    }

    /// Every list, detail and report page runs the same number of statements with 3 integrations as with
    /// 60 spread over 31 vendors (with whitelists, answers, reviews and keys): no page reads per row.
    @Test(arguments: TestEngine.available)
    func listAndReportPagesCostTheSameWhateverTheData(engine: TestEngine) async throws {
        let counter = QueryCounter()
        try await withWebApp(engine, logger: counter.logger) { h in
            let ready = try await makeReady(h)
            let store = h.app.store
            let vendorID = ready.vendorID
            let browser = try await h.signedIn(.admin)
            let token = try await h.token(.admin)
            let paths = ["/", "/vendors", "/vendors/\(vendorID)", "/integrations", "/integrations?vendor=a", "/contracts", "/reports/portfolio",
                         "/reports/vendors/\(vendorID)", "/api/v1/vendors?per_page=100", "/api/v1/integrations?per_page=100"]
            func costs() async throws -> [String: Int] {
                var result: [String: Int] = [:]
                for path in paths {
                    counter.reset()
                    let response = path.hasPrefix("/api/")
                        ? try await h.app.testing().sendRequest(.GET, path, headers: bearer(token)) : try await browser.get(path)
                    #expect(response.status == .ok, "\(path)")
                    result[path] = counter.value
                }
                return result
            }
            _ = try await costs()  // the first requests also load the session and its CSRF token
            let small = try await costs()
            #expect(small.values.allSatisfy { $0 > 0 }, "the counter saw no statement at all")
            // The dashboard counts vendors and mail with grouped queries and reads its reminders' and queue's records
            // once for both (it ran 46 statements with the benchmark's data before).
            #expect(small["/"] ?? 0 <= 32, "the dashboard ran \(small["/"] ?? -1) statements")

            let actor = Actor(user: h.user(.admin))
            for v in 0..<30 {
                let vendor = try await store.vendors.create(VendorFields(name: "Grown Vendor \(v)"), id: .init(UUID()), by: actor, at: h.clock.now)
                _ = try await store.contracts.create(ContractFields(title: "MSA \(v)", kind: .masterAgreement, status: .draft), vendorID: vendor.id,
                                                     id: .init(UUID()), by: actor, at: h.clock.now)
                for n in 0..<2 {
                    let owner = v % 2 == 0 ? vendorID : vendor.id
                    let integration = try await store.integrations.create(
                        IntegrationFields(name: "Grown \(v)-\(n)", kind: .apiDeveloperKey, installLevel: .course, purpose: "p", classification: .internal,
                                          ownerID: h.user(.admin).id),
                        vendorID: owner, id: .init(UUID()), by: actor, at: h.clock.now)
                    _ = try await store.integrations.saveWhitelist(
                        [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster])],
                        for: integration.id, expectedWhitelistVersion: 0, by: actor, at: h.clock.now)
                    _ = try await store.reviews.create(ReviewFields(reviewerID: h.user(.reviewer).id, scope: "s"), kind: .security, integration: integration.id,
                                                       id: .init(UUID()), supersedes: nil, by: actor, at: h.clock.now)
                }
            }
            let large = try await costs()
            for path in paths {
                #expect(large[path] == small[path], "\(path): \(small[path] ?? -1) statements with 3 integrations, \(large[path] ?? -1) with 63")
            }
        }
    }
}
