import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Values from a request that once crashed the server or sent people elsewhere.
@Suite("Request values are bounded")
struct InputBoundsTests {
    static let hugePage = "9223372036854775807"

    @Test func aHugePageNumberIsAnEmptyPageNotACrash() async throws {
        try await withWebApp { h in
            _ = try await h.app.store.vendors.create(VendorFields(name: "Only Vendor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let token = try await h.token(.auditor)
            // The API takes pages up to 2³¹−1, as its OpenAPI file says: the last one is an empty page.
            for path in ["/api/v1/contracts", "/api/v1/vendors", "/api/v1/integrations"] {
                let response = try await h.app.testing().sendRequest(.GET, "\(path)?page=\(PageRequest.maxPage)", headers: bearer(token))
                #expect(response.status == .ok, "\(path)")
                let body = try json(response)
                #expect((body["items"] as? [Any])?.isEmpty == true, "\(path)")
                #expect((body["page"] as? Int) == PageRequest.maxPage, "\(path)")
            }
            let browser = try await h.signedIn(.admin)
            for path in ["/vendors", "/contracts", "/integrations", "/audit"] {
                let response = try await browser.get("\(path)?page=\(Self.hugePage)")
                #expect(response.status == .ok, "\(path)")
            }
            // The server is still up: the first page still lists the vendor.
            #expect(try await browser.get("/vendors").text.contains("Only Vendor"))
        }
    }

    @Test(arguments: ["per_page=101", "per_page=0", "page=0", "page=-4", "page=2147483648", "page=\(hugePage)"])
    func apiPageValuesOutsideTheDescriptionAreRefused(query: String) async throws {
        try await withWebApp { h in
            let token = try await h.token(.procurement)
            for path in ["/api/v1/contracts", "/api/v1/vendors", "/api/v1/integrations"] {
                let response = try await h.app.testing().sendRequest(.GET, "\(path)?\(query)", headers: bearer(token))
                #expect(response.status == .unprocessableEntity, "\(path)?\(query)")
                let field = query.hasPrefix("per_page") ? "per_page" : "page"
                #expect((((try json(response))["error"] as? [String: Any])?["fields"] as? [String: String])?[field] != nil, "\(path)?\(query)")
            }
        }
    }

    @Test func pageOffsetsNeverOverflow() {
        #expect(PageRequest(page: Int.max, size: 100).offset == PageRequest.maxOffset)
        #expect(PageRequest(page: Int.max / 50, size: 100).offset == PageRequest.maxOffset)
        #expect(PageRequest(page: Int.max, size: 100).rows.count == 100)
        #expect(PageRequest(page: 3, size: 10).rows == 20..<30)
        #expect(ResultPage(items: [Int](), total: 5, request: PageRequest(page: Int.max, size: 100)).hasNext == false)
    }

    @Test(arguments: ["/%09/evil.example/", "/\t/evil.example/", "//evil.example/", "/\\evil.example", "https://evil.example/",
                      "/\u{0B}/evil.example", "/ /evil.example", "/%0d%0aSet-Cookie:x"])
    func signInNeverRedirectsToAnotherSite(next: String) async throws {
        try await withWebApp { h in
            let decoded = next.removingPercentEncoding ?? next
            let browser = TestBrowser(app: h.app)
            let response = try await browser.login(email: h.user(.admin).email, password: WebHarness.password, next: decoded)
            #expect(response.status == .seeOther)
            #expect(response.location == "/", "next \(next.debugDescription) led to \(response.location ?? "nothing")")
            // Already signed in, the login page redirects the same way.
            let again = try await browser.get("/login?next=" + (decoded.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect(again.location == "/")
        }
    }

    @Test func signInStillFollowsSameSitePaths() async throws {
        try await withWebApp { h in
            let browser = TestBrowser(app: h.app)
            let response = try await browser.login(email: h.user(.admin).email, password: WebHarness.password, next: "/contracts?status=signed&page=2")
            #expect(response.location == "/contracts?status=signed&page=2")
        }
    }

    /// Every “all of them” read reads all of them: the 101st contract gets its reminder and is listed.
    @Test func readsOfEveryRecordAreNotCutAtOnePage() async throws {
        try await withWebApp { h in
            let vendor = try await h.app.store.vendors.create(VendorFields(name: "Many Contracts Co"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let ends = CalendarDay.adding(days: 20, to: CalendarDay.of(h.clock.now))
            for index in 1...250 {
                _ = try await h.app.store.contracts.create(
                    ContractFields(title: String(format: "Order form %03d", index), kind: .orderForm, status: .signed, signedOn: "2020-01-01", endsOn: ends),
                    vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            }
            let subjects = try await h.app.operations.reminders.subjects().filter { $0.kind == .contractEnds }
            #expect(subjects.count == 250)
            #expect(subjects.contains { $0.title.contains("Order form 250") })
            let page = try await (try await h.signedIn(.procurement)).get("/vendors/\(vendor.id)")
            #expect(page.text.contains("Order form 001") && page.text.contains("Order form 101") && page.text.contains("Order form 250"))
            #expect(try await h.app.store.contracts.all(ContractQuery(vendorID: vendor.id)).count == 250)
        }
    }

    @Test func textAreasKeepTheirLineBreaks() throws {
        func validate(name: String = "Two lines", purpose: String) throws -> IntegrationFields {
            try IntegrationFields.validate(
                name: name, kind: "api_developer_key", installLevel: "root_account", subAccountName: nil, purpose: purpose,
                classification: "restricted", sendsDataToAI: "no", aiServices: nil, aiData: nil, ownerID: nil, nextReviewOn: nil)
        }
        #expect(try validate(purpose: "Reads rosters.\r\nWrites nothing.\n\tAt night.").purpose == "Reads rosters.\r\nWrites nothing.\n\tAt night.")
        #expect(throws: DomainError.self) { _ = try validate(purpose: "Rings\u{07}") }
        #expect(throws: DomainError.self) { _ = try validate(name: "Two\nlines", purpose: "One line") }
        let reviewer = User(id: .init(UUID()), email: "r@northfield.example", name: "R", role: .reviewer, passwordHash: "", createdAt: Date())
        let review = try ReviewFields.validate(reviewerID: reviewer.id.description, scope: "API calls.\nStorage of keys.",
                                               outcomes: [:], remediation: nil, reviewers: [reviewer], ownerID: nil)
        #expect(review.scope == "API calls.\nStorage of keys.")
    }
}
