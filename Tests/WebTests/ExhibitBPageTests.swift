import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("NDPA Exhibit B: the contract records it, the integration's page compares")
struct ExhibitBPageTests {
    @Test(arguments: TestEngine.available)
    func anAdminRecordsTheSignedExhibitBAndEveryReaderSeesTheDifferences(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h, name: "Roster <sync>")
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/enrollments", justification: "roster", group: "Enrollments", kinds: [.roster])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            let page = "/integrations/\(integration.id)/exhibit-b"
            let admin = try await h.signedIn(.admin)
            let before = try await admin.get(page)
            #expect(before.status == .ok && before.text.contains(#"id="exhibit-b-no-agreement""#))
            #expect(try await admin.get("/integrations/\(integration.id)").text.contains(#"href="\#(page)" id="exhibit-b-link""#))

            // The form: an unknown element is refused and the ticks stay; then the signed schedule is recorded.
            let newPath = "/vendors/\(integration.vendorID)/contracts/new"
            _ = try await admin.get(newPath)
            let csrf = try #require(admin.lastCSRF)
            func post(_ pairs: [(String, String)]) async throws -> TestingHTTPResponse {
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                let body = (pairs + [("_csrf", csrf)]).map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                    .joined(separator: "&")
                var headers = HTTPHeaders()
                headers.contentType = .urlEncodedForm
                return try await admin.send(.POST, "/vendors/\(integration.vendorID)/contracts", headers: headers, body: ByteBuffer(string: body))
            }
            let fields = [("title", "NDPA"), ("kind", "data_privacy_agreement"), ("status", "signed"), ("signedOn", "2026-05-01"), ("exhibitBRecorded", "on")]
            let bad = try await post([("title", ""), ("kind", "data_privacy_agreement"), ("status", "signed"), ("signedOn", "2026-05-01"),
                                      ("exhibitBRecorded", "on"), ("exhibitB_student_name", "on"), ("exhibitB_shoe_size", "on")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("Title is required."))
            #expect(bad.text.contains(#"id="exhibitB-student_name" checked"#), "ticked boxes stay ticked")
            #expect(!bad.text.contains("shoe_size"), "a box the form does not have is ignored")
            let created = try await post(fields + [("exhibitB_student_name", "on"), ("exhibitB_student_contact_email", "on")])
            #expect(created.status == .seeOther)
            let contract = try #require(try await h.app.store.contracts.list(ContractQuery()).items.first)
            #expect(contract.fields.exhibitB == ["student_name", "student_contact_email"])
            #expect(try await admin.get(created.location!).text.contains("Student Contact Information: Email"))

            for role in Role.allCases {
                let shown = try await h.signedIn(role).get(page)
                #expect(shown.status == .ok, "\(role)")
            }
            let shown = try await admin.get(page)
            #expect(shown.text.contains("3 elements are received but not in the signed Exhibit B."))
            #expect(!shown.text.contains("Roster <sync>") && shown.text.contains("Roster &lt;sync&gt;"))
            #expect(shown.text.contains("1 element is listed but not received."))
            #expect(shown.text.contains(#"<tr class="not_declared"><td>Enrollment</td><td>Student school enrollment</td>"#))
            let csv = try await admin.get(page + ".csv")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            #expect(csv.headers.first(name: .contentDisposition)?.contains("ndpa-exhibit-b-roster-sync.csv") == true)
            #expect(csv.text.contains("Student Contact Information,Email,student_contact_email,no,,yes,not_received"))
            #expect(csv.text.contains("Enrollment,Student school enrollment,enrollment_school,yes,Course rosters and enrollments: GET /api/v1/courses/:course_id/enrollments,yes,") == false)
            #expect(csv.text.contains("enrollment_school,yes,Course rosters and enrollments: GET /api/v1/courses/:course_id/enrollments,no,not_declared"))

            // The API records it too; absent keeps it, [] records that the agreement lists nothing.
            var headers = bearer(try await h.token(.admin))
            headers.contentType = .json
            let path = "/api/v1/contracts/\(contract.id)"
            let kept = try await h.app.testing().sendRequest(.PATCH, path, headers: headers, body: ByteBuffer(string: #"{"version": \#(contract.version), "title": "NDPA v2"}"#))
            #expect(kept.status == .ok)
            #expect(try json(kept)["exhibitB"] as? [String] == ["student_contact_email", "student_name"])
            let cleared = try await h.app.testing().sendRequest(.PATCH, path, headers: headers, body: ByteBuffer(string: #"{"version": \#(contract.version + 1), "exhibitB": []}"#))
            #expect(cleared.status == .ok)
            #expect(try json(cleared)["exhibitB"] as? [String] == [])
            let refused = try await h.app.testing().sendRequest(.PATCH, path, headers: headers, body: ByteBuffer(string: #"{"version": \#(contract.version + 2), "exhibitB": ["nope"]}"#))
            #expect(refused.status == .unprocessableEntity)
            let fieldsError = try (json(refused)["error"] as? [String: Any])?["fields"] as? [String: String]
            #expect(fieldsError?["exhibitB"] == "“nope” is not an element of the NDPA's Exhibit B.")
            #expect(try await h.app.store.contracts.find(contract.id)?.fields.exhibitB == [])
            let audit = try await h.app.store.audit.list(AuditQuery(entityType: "contract", action: "update")).items
            #expect(audit.contains { $0.summary.contains("NDPA Exhibit B") })
        }
    }

    @Test func theExhibitBPageMatchesItsGoldenFile() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h, name: "Quiz <Engine>")
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/users/:id", justification: "names", group: "Users", kinds: [.userPII])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            _ = try await h.app.store.contracts.create(
                ContractFields(title: "Student data privacy agreement", kind: .dataPrivacyAgreement, status: .signed, signedOn: "2026-03-01",
                               exhibitB: ["student_name", "transcript_grades"]),
                vendorID: integration.vendorID, id: .init(UUID()), by: .commandLine, at: h.clock.now)
            var html = try await h.signedIn(.procurement).get("/integrations/\(integration.id)/exhibit-b").text
            html = html.replacingOccurrences(of: integration.id.description, with: "INTEGRATION")
            html = html.replacingOccurrences(of: #"/contracts/[0-9A-Fa-f-]{36}"#, with: "/contracts/CONTRACT", options: .regularExpression)
            html = html.replacingOccurrences(of: #"name="_csrf" value="[^"]+""#, with: #"name="_csrf" value="CSRF""#, options: .regularExpression)
            try expectGolden(html, "integrations/exhibit_b.html")
        }
    }
}
