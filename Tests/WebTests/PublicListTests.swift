import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("The public list of approved tools")
struct PublicListTests {
    @Test func withoutPublicListThereIsNoPage() async throws {
        try await withWebApp { h in
            _ = try await makeReady(h)
            #expect(try await TestBrowser(app: h.app).get("/approved-tools").status == .notFound)
        }
    }

    @Test func thePageMatchesItsGoldenFile() async throws {
        try await withWebApp(configure: { $0.publicList = true }) { h in
            let ready = try await makeReady(h)
            let vendor = try #require(try await h.app.store.vendors.find(ready.vendorID))
            _ = try await h.app.store.vendors.update(vendor.id, to: VendorFields(
                name: "Ready <Vendor> & Sons", standing: .goodStanding, privacyPolicyURL: "https://ready.example/privacy?lang=en&v=2"),
                expectedVersion: vendor.version, by: .commandLine, at: h.clock.now)
            let page = try await TestBrowser(app: h.app).get("/approved-tools")
            #expect(page.status == .ok)
            try expectGolden(page.text, "public/tools.html")
        }
    }

    @Test(arguments: TestEngine.available)
    func anonymousVisitorsSeeTheApprovedToolsAndNothingElse(engine: TestEngine) async throws {
        try await withWebApp(engine, configure: { $0.publicList = true }) { h in
            let store = h.app.store
            let ready = try await makeReady(h)
            let vendor = try #require(try await store.vendors.find(ready.vendorID))
            _ = try await store.vendors.update(vendor.id, to: VendorFields(
                name: vendor.name, securityContactEmail: "security@ready.example", standing: .goodStanding, notes: "INTERNAL-NOTE-7",
                privacyPolicyURL: "https://ready.example/privacy"), expectedVersion: vendor.version, by: .commandLine, at: h.clock.now)
            // Not approved: a draft, and one rejected with a reason.
            _ = try await seedIntegration(h, name: "Secret Draft Tool")
            var rejected = try await seedIntegration(h, name: "Rejected Quiz Bot")
            rejected = try await store.integrations.perform(.submitForReview, note: nil, on: rejected.id, expectedVersion: rejected.version, by: .commandLine, at: h.clock.now)
            _ = try await store.integrations.perform(.reject, note: "REJECTION-REASON-9", on: rejected.id, expectedVersion: rejected.version, by: .commandLine, at: h.clock.now)
            // Approved, for one sub-account only.
            let vendorB = try await store.vendors.create(VendorFields(name: "Nursing Sim Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            var nursing = try await store.integrations.create(
                IntegrationFields(name: "Ward Simulator", kind: .apiDeveloperKey, installLevel: .subAccount, subAccountName: "School of Nursing",
                                  purpose: "Clinical simulations", classification: .internal),
                vendorID: vendorB.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            nursing = try await store.integrations.perform(.submitForReview, note: nil, on: nursing.id, expectedVersion: nursing.version, by: .commandLine, at: h.clock.now)
            _ = try await store.integrations.perform(.approveWithConditions, note: "CONDITION-TEXT-3", on: nursing.id, expectedVersion: nursing.version,
                                                     by: .commandLine, at: h.clock.now)

            let visitor = TestBrowser(app: h.app)
            let page = try await visitor.get("/approved-tools")
            #expect(page.status == .ok)
            let text = page.text
            for shown in ["Ready sync", "Ready Vendor", "Sync", "https://ready.example/privacy", "Course rosters and enrollments", "Names",
                          CalendarDay.of(h.clock.now), "Ward Simulator", "Nursing Sim Co", "Clinical simulations", "School of Nursing"] {
                #expect(text.contains(shown), "the page shows \(shown)")
            }
            let reviewer = h.user(.reviewer), admin = h.user(.admin)
            for secret in ["Secret Draft Tool", "Rejected Quiz Bot", "REJECTION-REASON-9", "CONDITION-TEXT-3", "INTERNAL-NOTE-7", "security@ready.example",
                           reviewer.email, reviewer.name, admin.email, admin.name, "MSA", "Restricted", "Sign out", "/integrations/", "/vendors/"] {
                #expect(!text.contains(secret), "the public page must not show \(secret)")
            }

            // A sub-account sees its own tools and the institution's; an unknown one is not found.
            let nursingPage = try await visitor.get("/approved-tools?account=School%20of%20Nursing")
            #expect(nursingPage.status == .ok && nursingPage.text.contains("Ward Simulator") && nursingPage.text.contains("Ready sync"))
            #expect(try await visitor.get("/approved-tools?account=Nowhere").status == .notFound)
            #expect(try await visitor.get("/approved-tools?account=" + String(repeating: "x", count: 5_000)).status == .notFound)

            // Read at most once every five minutes: a change shows after that.
            _ = try await store.integrations.perform(.reopen, note: "New version to review", on: nursing.id,
                                                     expectedVersion: try #require(try await store.integrations.find(nursing.id)).version, by: .commandLine, at: h.clock.now)
            #expect(try await visitor.get("/approved-tools").text.contains("Ward Simulator"), "still the cached list")
            h.clock.advance(by: PublicListCache.lifetime + 1)
            #expect(!(try await visitor.get("/approved-tools").text.contains("Ward Simulator")), "a tool back in review leaves the list")
        }
    }
}
