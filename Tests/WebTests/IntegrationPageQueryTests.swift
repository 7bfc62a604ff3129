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
}
