import Domain
import Foundation
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

private let readerConfig = """
{"title": "Reader", "target_link_uri": "https://lti.reader.example/launch", "oidc_initiation_url": "https://lti.reader.example/login",
 "scopes": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
 "extensions": [{"platform": "canvas.instructure.com", "domain": "lti.reader.example", "privacy_level": "anonymous",
   "settings": {"placements": [{"placement": "course_navigation", "target_link_uri": "https://lti.reader.example/launch"}]}}]}
"""

@Suite("LTI configuration import over HTTP")
struct LTIImportTests {
    @Test(arguments: TestEngine.available)
    func aWiderReimportReopensReviewAndShowsTheDifference(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            var integration = try await seedIntegration(h)
            integration = try await h.app.store.integrations.perform(.submitForReview, note: nil, on: integration.id, expectedVersion: integration.version,
                                                                     by: .commandLine, at: h.clock.now)
            integration = try await h.app.store.integrations.perform(.approve, note: nil, on: integration.id, expectedVersion: integration.version, by: .commandLine, at: h.clock.now)
            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            _ = try await admin.get(page)
            let csrf = try #require(admin.lastCSRF)
            let first = try await admin.postMultipart(page + "/lti", csrf: csrf, filename: "reader.json", bytes: Array(readerConfig.utf8))
            #expect(first.status == .seeOther)
            #expect(try await h.app.store.integrations.find(integration.id)?.status == .approved, "a first import widens nothing")
            let wider = readerConfig.replacingOccurrences(of: "\"anonymous\"", with: "\"public\"")
                .replacingOccurrences(of: "\"scopes\": [", with: "\"scopes\": [\"https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly\", ")
            let second = try await admin.postMultipart(page + "/lti", csrf: csrf, filename: "reader-v2.json", bytes: Array(wider.utf8))
            #expect(second.status == .seeOther)
            #expect(try await h.app.store.integrations.find(integration.id)?.status == .inReview, "wider privacy and scopes re-open review")
            let view = try await admin.get(page)
            #expect(view.text.contains("privacy level anonymous → public") && view.text.contains("Names and Role Provisioning"))
            #expect(view.text.contains("receives personal data"))
            let hostile = try await admin.postMultipart(page + "/lti", csrf: csrf, filename: "evil.xml",
                                                        bytes: Array("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><cartridge_basiclti_link>&e;</cartridge_basiclti_link>".utf8))
            #expect(hostile.status == .unprocessableEntity && hostile.text.contains("refused for safety"))
            #expect(try await h.app.store.lti.history(integration.id).count == 2, "a refused file stores nothing")

            let token = try await h.token(.admin)
            var headers = bearer(token)
            headers.contentType = .xml
            let api = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(integration.id)/lti", headers: headers,
                                                            body: ByteBuffer(string: "<cartridge_basiclti_link xmlns:blti=\"http://www.imsglobal.org/xsd/imsbasiclti_v1p0\"><blti:title>Old</blti:title><blti:launch_url>https://old.example/l</blti:launch_url></cartridge_basiclti_link>"))
            #expect(try api.status == .created && (json(api)["lti_version"] as? String) == "1.1")
            let audit = try await h.app.store.audit.list(AuditQuery(entityType: "integration", action: "lti_import")).items
            #expect(audit.count == 3 && audit.contains { $0.summary.contains("review re-opened (was approved)") })
        }
    }
}
