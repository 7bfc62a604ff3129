import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// A released key (on) for the integration, with the whitelist's scopes; returns its Canvas id.
func releaseKey(_ h: WebHarness, _ integration: Integration, canvasKeyID: String, includes: Bool = false) async throws {
    let id = KeyRelease.ID(UUID())
    let admin = h.user(.admin)
    try await h.app.store.releases.create(KeyRelease(
        id: id, integrationID: integration.id, requestedBy: admin.email, requestedByID: admin.id, requestedByEmail: admin.email,
        requestedAt: h.clock.now, codeHash: ReleaseCode.hash("135790", release: id), codeIssuedAt: h.clock.now, whitelistVersion: 1), by: .commandLine)
    let details = ReleaseDetails(canvasKeyID: canvasKeyID, scopes: [], allowIncludeParameters: includes, expiresOn: nil, rereviewOn: "2027-11-01")
    let now = h.clock.now
    let released = try await h.app.store.releases.update(id, by: .commandLine, at: now) { release in
        KeyReleaseChange("verify", "\(release.verify("135790", details: details, at: now, policy: .standard))")
    }
    #expect(released.state == .released)
}

let webLog = """
id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent
1,2026-11-20T10:00:00Z,501,170000000000001,GET,/api/v1/courses/12/modules?include[]=items,200,GradeBot/1.0
2,2026-11-20T10:00:01Z,501,170000000000001,GET,/api/v1/courses/12/enrollments,200,GradeBot/1.0
3,2026-11-20T10:00:02Z,501,170000000000001,GET,/api/v1/courses/13/enrollments,200,"GradeBot/1.1 (<script>alert(1)</script>)"
4,2026-11-20T10:00:03Z,9,555000000000777,GET,/api/v1/accounts/1/users,200,curl/8.4
5,2026-11-20T10:00:04Z,4242,,DELETE,/api/v1/courses/12/modules/4,200,python-requests/2.31
6,2026-11-20T10:00:05Z,501,170000000000001
"""

@Suite("Scope drift over HTTP")
struct DriftPageTests {
    @Test(arguments: TestEngine.available)
    func anAdminScansALogAndEveryoneSeesTheDrift(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let integration = try await seedIntegration(h)
            _ = try await h.app.store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/modules", justification: "modules", group: "Modules", kinds: [.courseContent])],
                for: integration.id, expectedWhitelistVersion: 0, by: .commandLine, at: h.clock.now)
            try await releaseKey(h, integration, canvasKeyID: "170000000000001")
            let idle = try await seedIntegration(h, name: "Quiet tool")
            try await releaseKey(h, idle, canvasKeyID: "170000000000002")

            let admin = try await h.signedIn(.admin)
            let page = "/integrations/\(integration.id)"
            // The service account 4242 is this integration's too, once the admin says so.
            let badIdentity = try await admin.post(page + "/log-identity", form: ["serviceAccountUserIDs": "robot", "userAgentPatterns": "ab"], csrfFrom: page)
            #expect(badIdentity.status == .unprocessableEntity)
            #expect(badIdentity.text.contains("is not a Canvas user id") && badIdentity.text.contains(">robot</textarea>"), "the form comes back as typed")
            let identity = try await admin.post(page + "/log-identity", form: ["serviceAccountUserIDs": "4242", "userAgentPatterns": "python-requests"],
                                                csrfFrom: page)
            #expect(identity.status == .seeOther)

            _ = try await admin.get("/drift")
            let csrf = try #require(admin.lastCSRF)
            let noFile = try await admin.postMultipart("/drift", csrf: csrf, filename: "", bytes: [])
            #expect(noFile.status == .unprocessableEntity && noFile.text.contains("Choose a request log"))
            let noURL = try await admin.postMultipart("/drift", csrf: csrf, filename: "x.csv", bytes: Array("timestamp,http_method,user_agent\nx,GET,y\n".utf8))
            #expect(noURL.status == .unprocessableEntity && noURL.text.contains("the log has no url column"))
            #expect(try await h.app.store.drift.jobs.list(states: DriftJob.State.allCases, limit: 10).isEmpty, "a refused upload stores no job")
            let scanned = try await admin.postMultipart("/drift", csrf: csrf, filename: "web_logs.csv", bytes: Array(webLog.utf8))
            #expect(scanned.status == .seeOther)
            // The upload is a job: its page shows it waiting and reloads itself, and the index lists it.
            let jobPath = try #require(scanned.headers.first(name: .location))
            #expect(jobPath.hasPrefix("/drift/jobs/"))
            let waiting = try await admin.get(jobPath)
            #expect(waiting.status == .ok && waiting.text.contains("Waiting for the scanner") && waiting.text.contains("<meta http-equiv=\"refresh\" content=\"1\">"))
            #expect(waiting.text.contains("it is being scanned in the background"), "the upload's notice")
            #expect(try await admin.get("/drift").text.contains("id=\"drift-jobs\""))
            #expect(try await h.app.operations.driftJobs.runDue() == 1)
            let finished = try await admin.get(jobPath)
            #expect(finished.status == .seeOther)
            let scanPath = try #require(finished.headers.first(name: .location))
            let scanPage = try await admin.get(scanPath)
            #expect(scanPage.text.contains("Scanned 6 rows: 3 out-of-scope requests, 1 malformed rows."), "the finished job's notice")
            #expect(!scanPage.text.contains("http-equiv=\"refresh\""), "a finished scan's page stays put")
            #expect(try await h.app.store.drift.jobs.list(states: [.done], limit: 10).first?.scanID?.description == String(scanPath.dropFirst("/drift/".count)))
            #expect(scanPage.status == .ok)
            #expect(scanPage.text.contains("/api/v1/courses/:course_id/enrollments") && scanPage.text.contains("555000000000777"))
            #expect(scanPage.text.contains("170000000000002") && scanPage.text.contains("Quiet tool"), "the idle key is listed")
            #expect(scanPage.text.contains("line 7") && scanPage.text.contains("4 columns, the header has 8"))
            #expect(!scanPage.text.contains("<script>alert(1)</script>") && scanPage.text.contains("&lt;script&gt;"), "user agents are escaped")

            // Procurement reads it on the integration page and in the hygiene report.
            let procurement = try await h.signedIn(.procurement)
            let integrationPage = try await procurement.get(page)
            #expect(integrationPage.text.contains("id=\"drift-findings\"") && integrationPage.text.contains("include[] used, not allowed"))
            #expect(integrationPage.text.contains("DELETE") && integrationPage.text.contains("python-requests/2.31"), "attributed by service account")
            #expect(!integrationPage.text.contains("id=\"log-identity-form\""), "only admins change the identity")
            let hygiene = try await procurement.get("/reports/hygiene")
            #expect(hygiene.text.contains("Gradebook sync") && hygiene.text.contains("Key 555000000000777") && hygiene.text.contains("never seen in the log"))
            let forbidden = try await procurement.postMultipart("/drift", csrf: csrf, filename: "web_logs.csv", bytes: Array(webLog.utf8))
            #expect(forbidden.status == .forbidden)

            let token = try await h.token(.auditor)
            let api = try await h.app.testing().sendRequest(.GET, "/api/v1/integrations/\(integration.id)/drift", headers: bearer(token))
            let body = try json(api)
            let drift = try #require(body["drift"] as? [String: Any])
            #expect(drift["outOfScope"] as? Int == 3 && drift["includeFlagged"] as? Int == 1)
            #expect(body["serviceAccountUserIDs"] as? [String] == ["4242"])
            let scanID = String(scanPath.dropFirst("/drift/".count))
            let scanJSON = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/drift/scans/\(scanID)", headers: bearer(token)))
            #expect(scanJSON["rows"] as? Int == 6 && scanJSON["malformed"] as? Int == 1)
            #expect((scanJSON["idleKeys"] as? [[String: Any]])?.first?["keyID"] as? String == "170000000000002")
            let events = try await h.app.store.audit.list(AuditQuery(entityType: "drift_scan")).items
            #expect(events.count == 1 && events[0].summary.contains("3 out-of-scope requests (Gradebook sync: 3)"))
        }
    }

    @Test func aCutFindingsListIsSaidOnThePageAndInJSON() async throws {
        try await withWebApp { h in
            let cut = DriftReport(rows: 60_000, malformed: 0, malformedSamples: [], attributed: 60_000, unattributed: 0, ignored: 0, otherKnownKeyRequests: 0,
                                  firstSeen: nil, lastSeen: nil, integrations: [], unknownKeys: [], unknownKeysNotListed: 0, idleKeys: [], findingsNotListed: 9_999)
            let scan = try await h.app.store.drift.record(cut, files: ["big.csv"], id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let page = try await (try await h.signedIn(.reviewer)).get("/drift/\(scan.id)").text
            #expect(page.contains("id=\"findings-cut\"") && page.contains("cut at 50,000 distinct findings: 9,999 more"))
            let token = try await h.token(.reviewer)
            let body = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/drift/scans/\(scan.id)", headers: bearer(token)))
            #expect(body["findingsListCut"] as? Bool == true && body["findingsNotListed"] as? Int == 9_999 && body["findingLimit"] as? Int == 50_000)
        }
    }
    @Test func theAPITakesCompressedLogsAndRefusesDamagedOnes
() async throws {
        try await withWebApp { h in
            let integration = try await seedIntegration(h)
            try await releaseKey(h, integration, canvasKeyID: "170000000000001")
            let token = try await h.token(.admin)
            let gz = try gzip(Array(webLog.utf8))
            let created = try await h.app.testing().sendRequest(.POST, "/api/v1/drift/scans?name=web_logs.csv.gz", headers: bearer(token),
                                                                body: ByteBuffer(bytes: gz))
            #expect(created.status == .accepted)
            let queued = try json(created)
            let jobURL = try #require(queued["url"] as? String)
            #expect(created.headers.first(name: .location) == jobURL && queued["state"] as? String == "queued" && queued["byteCount"] as? Int == gz.count)
            #expect(try await h.app.operations.driftJobs.runDue() == 1)
            let job = try json(try await h.app.testing().sendRequest(.GET, jobURL, headers: bearer(token)))
            #expect(job["state"] as? String == "done" && job["percentDone"] as? Int == 100)
            let scanURL = try #require(job["scanURL"] as? String)
            let body = try json(try await h.app.testing().sendRequest(.GET, scanURL, headers: bearer(token)))
            #expect(body["rows"] as? Int == 6 && body["files"] as? [String] == ["web_logs.csv.gz"])
            let damaged = try await h.app.testing().sendRequest(.POST, "/api/v1/drift/scans", headers: bearer(token),
                                                                body: ByteBuffer(bytes: Array(gz.prefix(gz.count / 2))))
            #expect(damaged.status == .unprocessableEntity)
            #expect(String(buffer: damaged.body).contains("truncated"))
            let bomb = try gzip(Array("id,timestamp,user_id,developer_key_id,http_method,url,http_status,user_agent\n".utf8) + [UInt8](repeating: 0x0A, count: 32 << 20))
            // A bomb's first bytes look like a log: it is refused by the scan, and the job says why.
            let exploded = try await h.app.testing().sendRequest(.POST, "/api/v1/drift/scans?name=bomb.csv.gz", headers: bearer(token), body: ByteBuffer(bytes: bomb))
            #expect(exploded.status == .accepted)
            let bombURL = try #require(try json(exploded)["url"] as? String)
            #expect(try await h.app.operations.driftJobs.runDue() == 1)
            let refusedJob = try json(try await h.app.testing().sendRequest(.GET, bombURL, headers: bearer(token)))
            #expect(refusedJob["state"] as? String == "failed" && (refusedJob["problem"] as? String)?.contains("decompression bomb") == true)
            #expect(refusedJob["scanID"] is NSNull)
            let page = try await (try await h.signedIn(.procurement)).get("/drift/jobs/" + bombURL.split(separator: "/").last!)
            #expect(page.status == .ok && page.text.contains("id=\"job-problem\"") && page.text.contains("decompression bomb"))
            #expect(!page.text.contains("http-equiv=\"refresh\""), "a refused job's page stays put")
            #expect(try await h.app.store.drift.scans(limit: 10).count == 1, "nothing is stored for a refused file")
            #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/drift/jobs/\(UUID())", headers: bearer(token)).status == .notFound)
            var headers = jsonHeaders(token)
            headers.contentType = .json
            let identity = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(integration.id)/log-identity", headers: headers,
                                                                 body: try jsonBody(["serviceAccountUserIDs": ["4242", "4243"], "userAgentPatterns": ["GradeBot/"]]))
            #expect(identity.status == .ok)
            #expect(try await h.app.store.drift.identity(integration.id) == LogIdentity(serviceAccountUserIDs: ["4242", "4243"], userAgentPatterns: ["GradeBot/"]))
            let bad = try await h.app.testing().sendRequest(.PUT, "/api/v1/integrations/\(integration.id)/log-identity", headers: headers,
                                                            body: try jsonBody(["serviceAccountUserIDs": ["x y"]]))
            #expect(bad.status == .unprocessableEntity)
            let reviewer = try await h.token(.reviewer)
            let refused = try await h.app.testing().sendRequest(.POST, "/api/v1/drift/scans", headers: bearer(reviewer), body: ByteBuffer(bytes: gz))
            #expect(refused.status == .forbidden)
        }
    }
}

/// gzip through the system's zlib, for tests.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vr-gz-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("log.csv")
    try Data(bytes).write(to: file)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-n", file.path]
    try process.run()
    process.waitUntilExit()
    return [UInt8](try Data(contentsOf: directory.appendingPathComponent("log.csv.gz")))

}
