import Domain
import Foundation
import Testing

@Suite("The public list: approved tools only, and only what may be published")
struct PublicListDomainTests {
    static let vendor = Vendor(id: .init(UUID()), fields: VendorFields(name: "Quillstone", notes: "internal", privacyPolicyURL: "https://q.example/privacy"),
                               createdAt: .distantPast, updatedAt: .distantPast)

    static func integration(_ name: String, status: IntegrationStatus, kind: IntegrationKind = .lti13, subAccount: String? = nil) -> Integration {
        Integration(id: .init(UUID()), vendorID: vendor.id,
                    fields: IntegrationFields(name: name, kind: kind, installLevel: subAccount == nil ? .rootAccount : .subAccount, subAccountName: subAccount,
                                              purpose: "Reading practice", classification: .restricted),
                    status: status, createdAt: .distantPast, updatedAt: .distantPast)
    }

    static func review(decidedOn: String?) -> Review {
        Review(id: .init(UUID()), integrationID: .init(UUID()), kind: .security, fields: ReviewFields(reviewerID: .init(UUID()), scope: "all"),
               decision: decidedOn.map { ReviewDecisionRecord(decision: .approve, conditions: nil, decidedOn: $0, validUntil: "2099-01-01") },
               createdBy: "r", createdAt: .distantPast, updatedAt: .distantPast)
    }

    @Test(arguments: IntegrationStatus.allCases)
    func onlyApprovedAndActiveToolsAreListed(status: IntegrationStatus) {
        let tool = PublicTool(integration: Self.integration("Reader", status: status), vendor: Self.vendor, whitelist: nil, lti: nil, reviews: [])
        #expect((tool != nil) == [.approved, .approvedWithConditions, .active].contains(status))
    }

    @Test func aToolShowsItsDataPersonalFirstItsPrivacyLevelAndItsLatestReview() throws {
        let whitelist = WhitelistVersion(number: 1, entries: [
            WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/pages", justification: "x", group: "Pages", kinds: [.courseContent]),
        ], createdAt: .distantPast, createdBy: "x")
        let lti = LTIConfiguration(ltiVersion: "1.3", title: "Reader", targetLinkURI: nil, oidcInitiationURL: nil, privacyLevel: .nameOnly, placements: [],
                                   scopes: [], domains: [])
        let tool = try #require(PublicTool(integration: Self.integration("Reader", status: .active), vendor: Self.vendor, whitelist: whitelist, lti: lti,
                                           reviews: [Self.review(decidedOn: "2026-03-01"), Self.review(decidedOn: "2026-09-14"), Self.review(decidedOn: nil)]))
        #expect(tool.data == ["Names", "Canvas user ids", "Course content"])
        #expect(tool.privacyLevel == LTIPrivacyLevel.nameOnly.label)
        #expect(tool.lastReviewedOn == "2026-09-14")
        #expect(tool.privacyPolicyURL == "https://q.example/privacy")
        #expect(tool.subAccount == nil)
    }

    @Test func subAccountsSeeTheirOwnToolsAndTheInstitutions() throws {
        let tools = [
            Self.integration("Zeta", status: .approved),
            Self.integration("alpha", status: .approved, subAccount: "Nursing"),
            Self.integration("Beta", status: .approved, subAccount: "Law"),
        ].compactMap { PublicTool(integration: $0, vendor: Self.vendor, whitelist: nil, lti: nil, reviews: []) }
        let list = PublicList(tools)
        #expect(list.tools.map(\.name) == ["alpha", "Beta", "Zeta"], "by name, whatever the case")
        #expect(list.subAccounts == ["Law", "Nursing"])
        #expect(list.tools(in: "Nursing").map(\.name) == ["alpha", "Zeta"])
        #expect(list.tools(in: nil).count == 3)
    }
}
