import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("The data map on the integration page and in the API")
struct DataMapPageTests {
    @Test(arguments: TestEngine.available)
    func thePageAndTheAPIShowWhatTheWhitelistAndTheToolReach(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            let page = "/integrations/\(integration.id)"
            let admin = try await h.signedIn(.admin)
            let empty = try await admin.get(page)
            #expect(empty.text.contains("Nothing declared yet: no whitelist and no LTI configuration."))
            #expect(!empty.text.contains(#"id="data-map-table""#))

            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster, .userPII]),
                 WhitelistEntry(verb: .POST, template: "/api/v1/courses/:course_id/assignments/:assignment_id/submissions/update_grades",
                                justification: "grades", group: "Submissions", kinds: [.grades])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            let shown = try await admin.get(page)
            #expect(shown.status == .ok)
            #expect(shown.text.contains("From whitelist version 1 (not yet accepted). It reaches 5 kinds of personal data"))
            #expect(shown.text.contains("<td>Grades <span class=\"badge\">personal</span></td><td>Changes</td>"))
            #expect(shown.text.contains("<li>POST /api/v1/courses/:course_id/assignments/:assignment_id/submissions/update_grades</li>"))

            // Accepted by the admin: the reviewer owns this integration and may not accept its whitelist.
            _ = try await h.app.store.integrations.acceptWhitelist(integration.id, version: 1, by: .commandLine, userID: h.user(.admin).id, at: h.clock.now)
            for role in Role.allCases {
                let response = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/data-map", headers: bearer(try await h.token(role)))
                #expect(response.status == .ok, "every reader role sees the data map (\(role))")
                let body = try json(response)
                #expect(body["whitelistVersion"] as? Int == 1 && body["whitelistAccepted"] as? Bool == true)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.map { $0["element"] as? String } == ["names", "email", "profile", "roster", "grades"])
                #expect(items.last?["changes"] as? Bool == true && items.last?["reads"] as? Bool == false)
            }
            let unknown = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(UUID())/data-map", headers: bearer(try await h.token(.auditor)))
            #expect(unknown.status == .notFound)
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/data-map").status == .unauthorized)
        }
    }
}
