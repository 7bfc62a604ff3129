import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Contradictions on the integration page, in the packet and in the API")
struct ContradictionPageTests {
    @Test(arguments: TestEngine.available)
    func whatTheVendorSaysIsHeldAgainstWhatTheIntegrationTouches(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            let page = "/integrations/\(integration.id)"
            let admin = try await h.signedIn(.admin)
            #expect(try await !admin.get(page).text.contains(#"id="contradictions""#), "nothing said yet, nothing contradicted")

            let questionnaires = h.app.context.questionnaires
            let ferpa = try #require(questionnaires.first { $0.id == "ferpa" })
            let ai = try #require(questionnaires.first { $0.id == "ai_use" })
            _ = try await h.app.store.answers.save(["VR-FERPA-01": ["course_content_only"]], questionnaire: ferpa, integration: integration.id, source: .vendor,
                                                   by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.answers.save(["VR-AI-01": ["no"]], questionnaire: ai, integration: integration.id, source: .vendor, by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster, .userPII])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            // The vendor's HECVAT says the product has AI features and answers its AI section.
            _ = try await admin.get(page + "/hecvat")
            _ = try await admin.postMultipart(page + "/hecvat", csrf: try #require(admin.lastCSRF), filename: "h.xlsx", bytes: try WorkbookFixture.hecvat().xlsx())

            let shown = try await admin.get(page)
            #expect(shown.text.contains(#"id="contradiction-personal_data""#) && shown.text.contains(#"id="contradiction-ai""#))
            #expect(shown.text.contains("FERPA VR-FERPA-01 (education records touched) (vendor): “course content only”"))
            #expect(shown.text.contains("Names: GET /api/v1/courses/:course_id/users"))
            #expect(shown.text.contains("HECVAT REQU-04 (AI features): Yes"))

            let api = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/data-map", headers: bearer(try await h.token(.auditor)))
            let kinds = try (json(api)["contradictions"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
            #expect(kinds == ["personal_data", "ai"])

            let procurement = try await h.signedIn(.procurement)
            let packet = try await procurement.get("/reports/vendors/\(integration.vendorID)")
            #expect(packet.status == .ok && packet.text.contains("<h3>Contradictions</h3>") && packet.text.contains("Says it collects no personal data"))
            #expect(packet.text.contains("<h3>HECVAT</h3><p>HECVAT 4.1.2, imported"))
        }
    }
}
