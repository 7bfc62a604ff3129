import CanvasAPI
import CanvasDouble
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

/// Every log line, for proving what never appears in one.
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }

    var logger: Logger { Logger(label: "capture") { _ in CallbackLogHandler { level, message, metadata in self.add("\(level) \(message) \(metadata)") } } }

    func add(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }
}

/// A sync through the app: the page, the API, the stored record, the inventory it fills, and what it
/// must never reveal. Canvas is the double, running as its own process.
@Suite("Canvas sync", .serialized)
struct CanvasSyncTests {
    func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any], "\(response.body.string)")
    }

    func kinds(_ body: [String: Any]) -> [String] {
        ((body["findings"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    @Test(arguments: TestEngine.available)
    func anAdminSyncsThroughTheAPIAndEveryoneReadsTheFindings(engine: TestEngine) async throws {
        var scenario = CanvasScenario.sample()
        scenario.developerKeys?[0].requireScopes = false  // an unscoped key nobody released: critical
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(engine, configure: { $0.canvas = double.settings() }) { h in
                let admin = try await h.token(.admin)
                let created = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(admin))
                #expect(created.status == .created, "\(created.body.string)")
                let body = try json(created)
                let sync = try #require(body["sync"] as? [String: Any])
                #expect(sync["outcome"] as? String == "complete")
                #expect((sync["requests"] as? Int ?? 0) >= 10)
                let found = kinds(body)
                #expect(found.contains("key_on_without_release") && found.contains("inherited_key_unreviewed") && found.contains("tool_unreviewed"))
                let critical = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/findings?severity=critical", headers: bearer(try await h.token(.auditor))))
                #expect(kinds(critical) == ["key_on_without_release"])
                #expect(try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/findings?severity=urgent", headers: bearer(admin)).status == .unprocessableEntity)
                let list = try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.procurement)))
                #expect(list.status == .ok && list.body.string.contains(sync["id"] as? String ?? "missing"))
                let one = try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/syncs/\(sync["id"] as? String ?? "")", headers: bearer(admin))
                #expect(one.status == .ok && one.body.string.contains("\"developerKeys\""))
                #expect(try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.reviewer))).status == .forbidden)

                // The sync filled the inherited-key inventory (unreviewed) and the audit trail says what happened.
                let inventory = try await h.app.store.inheritedKeys.list()
                #expect(inventory.contains { $0.fields.canvasKeyID == "170000000000777" && !$0.fields.reviewed && $0.fields.state == .on })
                let events = try await h.app.store.audit.list(AuditQuery(entityType: "canvas_sync")).items
                #expect(events.first?.action == "canvas_sync_complete")
                #expect(events.first?.summary.contains("findings") == true)
            }
        }
    }

    @Test func thePageShowsFindingsBySeverityAndSyncsWithTheForm() async throws {
        try await CanvasDoubleProcess.with(.sample()) { double in
            try await withWebApp(configure: { $0.canvas = double.settings() }) { h in
                let admin = try await h.signedIn(.admin)
                let empty = try await admin.get("/canvas")
                #expect(empty.status == .ok && empty.text.contains("id=\"no-canvas-sync\""))
                let synced = try await admin.post("/canvas/syncs", form: [:], csrfFrom: "/canvas")
                #expect(synced.status == .seeOther)
                let page = try await admin.get(try #require(synced.location))
                #expect(page.text.contains("id=\"canvas-findings-high\""))
                #expect(page.text.contains("FlashDeck") && page.text.contains("Global checker"))
                #expect(page.text.contains("Canvas synced:"), "the flash names the outcome")
                #expect(try await admin.post("/canvas/syncs", form: [:]).status == .forbidden, "CSRF")
                let reviewer = try await h.signedIn(.reviewer)
                #expect(try await reviewer.get("/canvas").text.contains("id=\"canvas-findings-high\""))
                #expect(try await reviewer.post("/canvas/syncs", form: [:], csrfFrom: "/canvas").status == .forbidden)
                // Start an integration from an unmatched object: the vendor's form, filled in.
                let vendor = try await h.app.store.vendors.create(VendorFields(name: "FlashDeck Inc"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
                let start = try await admin.get("/canvas/start?vendorID=\(vendor.id)&name=FlashDeck&kind=lti_1_3")
                let form = try await admin.get(try #require(start.location))
                #expect(form.status == .ok && form.text.contains("value=\"FlashDeck\""))
                #expect(try await admin.get("/canvas/start?name=FlashDeck").status == .unprocessableEntity)
            }
        }
    }

    @Test func aReleasedKeyShowsItsCanvasStateOnTheIntegrationPage() async throws {
        var scenario = CanvasScenario.sample()
        scenario.developerKeys?[1].scopes = ["url:GET|/api/v1/courses", "url:DELETE|/api/v1/courses/:id"]
        scenario.developerKeys?[1].allowIncludes = true
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: { $0.canvas = double.settings() }) { h in
                let integration = try await makeReady(h)
                _ = try await releaseKey(h, integration, keyID: "170000000000101")
                let (_, findings) = try await h.app.operations.canvas.sync(by: .commandLine)
                let mine = Set(findings.filter { $0.integrationID == integration.id.description }.map(\.kind))
                #expect(mine.contains(.keyScopesWider) && mine.contains(.keyIncludesAllowed))
                #expect(!findings.contains { $0.objectID == "170000000000101" && $0.kind == .keyOnWithoutRelease }, "released here")
                let page = try await (try await h.signedIn(.reviewer)).get("/integrations/\(integration.id)")
                #expect(page.text.contains("id=\"canvas-key-state\"") && page.text.contains("binding on, active"))
                #expect(page.text.contains("url:DELETE|/api/v1/courses/:id"))
            }
        }
    }

    @Test func aSyncThatFailsHalfwayIsNeverComplete() async throws {
        var scenario = CanvasScenario.sample(keys: 150)
        var quirks = CanvasScenario.Quirks()
        quirks.serverError = CanvasScenario.PageFault(path: "/api/v1/accounts/self/developer_keys", page: 2, times: 99)
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            var settings = double.settings()
            settings.maxRetries = 1
            try await withWebApp(configure: { $0.canvas = settings }) { h in
                let (sync, findings) = try await h.app.operations.canvas.sync(by: .commandLine)
                #expect(sync.outcome == .partial)
                #expect(sync.snapshot?.parts[.developerKeys]?.state == .failed)
                #expect(sync.snapshot?.keys.contains { !$0.inherited } == false, "half a listing is not kept")
                #expect(!findings.contains { $0.kind == .keyOnWithoutRelease }, "nothing is concluded from the keys not read")
                #expect(sync.reason?.contains("Developer keys: Canvas answered 500") == true)
                let stored = try #require(try await h.app.operations.canvas.find(sync.id))
                #expect(stored.outcome == .partial)
            }
        }
        // A refused token: stored as failed, no snapshot, and the API says 502 with the reason.
        try await CanvasDoubleProcess.with(.sample()) { double in
            try await withWebApp(configure: { $0.canvas = double.settings(token: "revoked-token") }) { h in
                let response = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.admin)))
                #expect(response.status == .badGateway)
                let sync = try #require(try json(response)["sync"] as? [String: Any])
                #expect(sync["outcome"] as? String == "failed" && (sync["reason"] as? String)?.contains("refused the token") == true)
                #expect(try await h.app.operations.canvas.latest() == nil, "a failed sync is no basis for a comparison")
            }
        }
    }

    @Test func aPartTheTokenMayNotRunIsSkippedWithAReason() async throws {
        var scenario = CanvasScenario.sample()
        scenario.permissions?["manage_lti_registrations"] = false
        scenario.ltiRegistrations = nil
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: { $0.canvas = double.settings() }) { h in
                let check = try await h.app.operations.canvas.check()
                #expect(check.parts.first { $0.part == .ltiRegistrations }?.skipReason?.contains("manage_lti_registrations") == true)
                #expect(check.parts.filter { $0.skipReason == nil }.count == CanvasPart.allCases.count - 1)
                let (sync, _) = try await h.app.operations.canvas.sync(by: .commandLine)
                #expect(sync.outcome == .partial && sync.snapshot?.parts[.ltiRegistrations]?.state == .skipped)
                #expect(sync.snapshot?.didRead(.externalTools) == true)
            }
        }
    }

    @Test func registrationsNotEnabledAnswer404AndAreNoGap() async throws {
        var scenario = CanvasScenario.sample()
        scenario.ltiRegistrations = nil  // permission granted, feature off: 404
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: { $0.canvas = double.settings() }) { h in
                let (sync, _) = try await h.app.operations.canvas.sync(by: .commandLine)
                #expect(sync.snapshot?.parts[.ltiRegistrations]?.state == .unavailable)
                #expect(sync.snapshot?.parts[.ltiRegistrations]?.reason?.contains("not enabled") == true)
                #expect(sync.outcome == .complete, "a feature the institution has not turned on is no gap")
            }
        }
    }

    @Test func theSecondSyncSaysWhatChanged() async throws {
        var before = CanvasScenario.sample()
        before.developerKeys?[2].binding = "off"
        var after = CanvasScenario.sample()
        after.developerKeys?[0].scopes = ["url:GET|/api/v1/courses", "url:GET|/api/v1/users/:user_id/profile"]
        try await CanvasDoubleProcess.with(before) { first in
            try await CanvasDoubleProcess.with(after) { second in
                try await withWebApp(configure: { $0.canvas = first.settings() }) { h in
                    _ = try await h.app.operations.canvas.sync(by: .commandLine)
                    h.app.context.canvas.connect(second.settings())
                    h.clock.advance(by: 3600)
                    let (sync, _) = try await h.app.operations.canvas.sync(by: .commandLine)
                    let difference = try #require(sync.difference)
                    #expect(difference.keysSwitchedOn == 1 && difference.scopesAdded == 1)
                    #expect(difference.summary == "1 key switched on, 1 scope added")
                    let page = try await (try await h.signedIn(.admin)).get("/canvas")
                    #expect(page.text.contains("1 key switched on, 1 scope added"))
                }
            }
        }
    }

    @Test func oneSyncAtATimeAndNoneWithoutACanvas() async throws {
        try await CanvasDoubleProcess.with(.sample()) { double in
            try await withWebApp(configure: { $0.canvas = double.settings() }) { h in
                // Another instance holds the lease.
                #expect(try await h.app.store.canvas.acquireLease("canvas_sync", holder: "other-instance", until: h.clock.now.addingTimeInterval(600), now: h.clock.now))
                let busy = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.admin)))
                #expect(busy.status == .conflict && busy.body.string.contains("canvas_sync_running"))
                // A dead holder's lease expires.
                h.clock.advance(by: 700)
                let (sync, _) = try await h.app.operations.canvas.sync(by: .commandLine)
                #expect(sync.outcome == .complete)
            }
        }
        try await withWebApp { h in
            let response = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.admin)))
            #expect(response.status == .conflict && response.body.string.contains("canvas_not_connected"))
            #expect(try await (try await h.signedIn(.admin)).get("/canvas").text.contains("id=\"canvas-not-connected\""))
        }
    }

    @Test func theTokenNeverAppearsInLogsPagesRecordsOrExports() async throws {
        let capture = LogCapture()
        var scenario = CanvasScenario.sample()
        scenario.token = "SECRET-canvas-token-do-not-leak-9f2"
        var quirks = CanvasScenario.Quirks()
        quirks.throttleEvery = 3  // retries log too
        scenario.quirks = quirks
        try await CanvasDoubleProcess.with(scenario) { double in
            var settings = double.settings(token: scenario.token)
            settings.maxRetries = 6
            try await withWebApp(configure: { $0.canvas = settings }, logger: capture.logger) { h in
                h.app.logger.logLevel = .trace
                let seen = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/syncs", headers: bearer(try await h.token(.admin)))
                #expect(seen.status == .created)
                var everything = seen.body.string
                let admin = try await h.signedIn(.admin)
                let page = try await admin.get("/canvas")
                everything += page.text
                everything += try await admin.get(try #require(page.text.firstMatch(of: /href="(\/canvas\/syncs\/[^"]+)"/).map { String($0.1) })).text
                everything += try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/findings", headers: bearer(try await h.token(.admin))).body.string
                everything += try await (try await h.signedIn(.auditor)).get("/audit").text
                let export = try await (try await h.signedIn(.auditor)).get("/exports/download")
                #expect(export.status == .ok)
                everything += String(decoding: Data(export.body.readableBytesView), as: UTF8.self)
                for event in try await h.app.store.audit.list(AuditQuery()).items { everything += event.summary }
                for sync in try await h.app.operations.canvas.list() { everything += "\(sync)" }
                everything += "\(try await h.app.operations.canvas.latest() as Any)"
                #expect(!everything.isEmpty && everything.contains("FlashDeck"), "the records were read")
                #expect(!everything.contains(scenario.token))
                #expect(!everything.contains("redacted-"), "the keys' client secrets (api_key) Canvas sends are never kept")
                #expect(capture.text.contains("canvas"), "the sync logged")
                #expect(!capture.text.contains(scenario.token))
            }
        }
    }
}
