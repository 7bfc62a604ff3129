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

@Suite("The data map from a synced Canvas")
struct SyncedDataMapTests {
    @Test(arguments: TestEngine.available)
    func theScopesAReleasedKeyHasInCanvasJoinTheMapAndItsContradictions(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/modules", justification: "modules", group: "Modules", kinds: [.courseContent])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            let ferpa = try #require(h.app.context.questionnaires.first { $0.id == "ferpa" })
            _ = try await h.app.store.answers.save(["VR-FERPA-01": ["course_content_only"]], questionnaire: ferpa, integration: integration.id,
                                                   source: .vendor, by: .commandLine, at: h.clock.now)
            try await releaseKey(h, integration, canvasKeyID: "170000000000001")
            let path = "/api/v1/integrations/\(integration.id)/data-map"
            let token = try await h.token(.auditor)
            let before = try json(try await h.app.testing().sendRequest(.GET, path, headers: bearer(token)))
            #expect(before["syncedScopes"] == nil && (before["contradictions"] as? [Any])?.isEmpty == true, "no sync yet: the declared map only")

            let key = CanvasDeveloperKey(id: "170000000000001", name: "Gradebook sync", workflowState: "active", binding: .on,
                                         scopes: ["url:GET|/api/v1/courses/:course_id/modules", "url:GET|/api/v1/courses/:course_id/enrollments", "not a scope"],
                                         requireScopes: true, redirectURIs: [])
            let other = CanvasDeveloperKey(id: "170000000000002", name: "Someone else", workflowState: "active", binding: .on,
                                           scopes: ["url:GET|/api/v1/users/:id"], requireScopes: true, redirectURIs: [])
            let snapshot = CanvasSnapshot(parts: [.developerKeys: .read(2)], keys: [key, other])
            try await h.app.store.canvas.record(CanvasSync(id: .init(UUID()), startedAt: h.clock.now, finishedAt: h.clock.now, startedBy: "test", outcome: .complete,
                                                           reason: nil, requests: 3, canvasURL: "https://canvas.example.edu", snapshot: snapshot, difference: nil,
                                                           findingCount: 0), findings: [], by: .commandLine)
            let after = try json(try await h.app.testing().sendRequest(.GET, path, headers: bearer(token)))
            #expect(after["syncedScopes"] as? Int == 2)
            let items = try #require(after["items"] as? [[String: Any]])
            let roster = try #require(items.first { $0["element"] as? String == "roster" })
            #expect(roster["causes"] as? [String] == ["Canvas key 170000000000001 scope GET /api/v1/courses/:course_id/enrollments"])
            let causes = items.flatMap { $0["causes"] as? [String] ?? [] }
            #expect(!causes.contains { $0.contains("170000000000002") }, "another key's scopes are not this integration's")
            #expect(causes.contains("GET /api/v1/courses/:course_id/modules"), "the whitelist still counts")
            #expect((after["contradictions"] as? [[String: Any]])?.first?["kind"] as? String == "personal_data",
                    "the key reaches rosters although the vendor said course content only")
            let page = try await h.signedIn(.reviewer).get("/integrations/\(integration.id)")
            #expect(page.text.contains("the 2 scopes its released keys have in Canvas"))
        }
    }
}
