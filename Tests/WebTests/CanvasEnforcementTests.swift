import AsyncHTTPClient
import CanvasAPI
import CanvasDouble
import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// `CANVAS_ENFORCE=on` against the Canvas double as its own process: a verified release switches exactly
/// its key on; keys that differ from the approval, a missing permission and Canvas failing are handled as
/// the issue asks; two writers never write twice; turning off and the policy switch keys off.
@Suite("Canvas enforcement", .serialized)
struct CanvasEnforcementTests {
    static let approvedScope = "url:GET|/api/v1/courses/:course_id/users"
    static let keyID = "170000000000555"

    /// The sample institution plus the vendor's new key, created with the approved scopes and left off.
    static func scenario(_ adjust: (inout CanvasScenario) -> Void = { _ in }) -> CanvasScenario {
        var scenario = CanvasScenario.sample()
        var key = CanvasScenario.Key(id: keyID, name: "Ready sync key")
        key.binding = "off"
        key.scopes = [approvedScope]
        key.requireScopes = true
        key.allowIncludes = false
        scenario.developerKeys?.append(key)
        adjust(&scenario)
        return scenario
    }

    /// Every change request the double received.
    static func writes(_ double: CanvasDoubleProcess) async throws -> [[String: Any]] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: double.url.absoluteString + "/__double/writes"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [[String: Any]])
    }

    static func enforcing(_ double: CanvasDoubleProcess) -> (inout AppConfig) -> Void {
        { config in
            var settings = double.settings()
            settings.enforce = true
            config.canvas = settings
        }
    }

    /// Asks for a release and returns its page and the e-mailed code.
    static func requestRelease(_ h: WebHarness, _ admin: TestBrowser, _ integration: Integration) async throws -> (String, String) {
        let page = "/integrations/\(integration.id)"
        let requested = try await admin.post(page + "/releases", form: [:], csrfFrom: page)
        #expect(requested.status == .seeOther, "\(errorsIn(requested.text))")
        return (try #require(requested.location), try await latestCode(h))
    }

    /// Asks for a release and confirms it with the right code and the vendor's key; the release page and the answer.
    static func confirmRelease(_ h: WebHarness, _ admin: TestBrowser, _ integration: Integration) async throws -> (page: String, code: String, answer: TestingHTTPResponse) {
        let (releasePath, code) = try await requestRelease(h, admin, integration)
        let answer = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": keyID, "rereviewOn": "2099-01-01"], csrfFrom: releasePath)
        return (releasePath, code, answer)
    }

    /// The scenario with the binding write failing once with `status`, before or after the change applies.
    static func bindingFault(_ status: Int, applied: Bool) -> CanvasScenario {
        scenario { scenario in
            var quirks = CanvasScenario.Quirks()
            quirks.writeFault = .init(action: "binding", status: status, applied: applied)
            scenario.quirks = quirks
        }
    }

    @Test(arguments: TestEngine.available)
    func aVerifiedReleaseSwitchesExactlyItsKeyOnAndTheTrailSaysSo(engine: TestEngine) async throws {
        try await CanvasDoubleProcess.with(Self.scenario()) { double in
            try await withWebApp(engine, configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (_, _, released) = try await Self.confirmRelease(h, admin, integration)
                #expect(released.status == .seeOther, "\(errorsIn(released.text))")
                #expect(try await h.app.store.releases.list(integration.id).first?.state == .released)

                let sent = try await Self.writes(double)
                #expect(sent.count == 1)
                #expect(sent.first?["path"] as? String == "/api/v1/accounts/self/developer_keys/\(Self.keyID)/developer_key_account_bindings")
                #expect((sent.first?["body"] as? String)?.contains("workflow_state%5D=on") == true)

                let writes = try await h.app.store.canvasWrites.list(CanvasWriteQuery())
                #expect(writes.count == 1 && writes.first?.state == .done && writes.first?.target.action == .keyOn)
                #expect(writes.first?.outcome?.contains("binding on") == true)
                let trail = try await h.app.store.audit.list(AuditQuery(entityType: "canvas_write")).items.map(\.action)
                #expect(Set(trail) == ["canvas_write_recorded", "canvas_write_started", "canvas_write_done"])

                // The page and the API show it; a sync now sees the key on with a release: no "on without release".
                #expect(try await admin.get("/canvas").text.contains("Done (read back)"))
                let api = try json(try await h.app.testing().sendRequest(.GET, "/api/v1/canvas/writes", headers: bearer(try await h.token(.auditor))))
                #expect(api["enforcing"] as? Bool == true && (api["writes"] as? [Any])?.count == 1)
                let (_, findings) = try await h.app.context.operations.canvas.sync(by: .system)
                #expect(!findings.contains { $0.kind == .keyOnWithoutRelease && $0.objectID == Self.keyID })
            }
        }
    }

    @Test func aKeyThatDiffersFromTheApprovalRefusesTheReleaseAndWritesNothing() async throws {
        let scenario = Self.scenario { scenario in
            scenario.developerKeys![scenario.developerKeys!.count - 1].scopes = [Self.approvedScope, "url:PUT|/api/v1/courses/:id"]
            scenario.developerKeys![scenario.developerKeys!.count - 1].allowIncludes = true
        }
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (releasePath, code, refused) = try await Self.confirmRelease(h, admin, integration)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.text.contains("scopes not approved: url:PUT|/api/v1/courses/:id"))
                #expect(refused.text.contains("Allow include parameters"))
                let release = try #require(try await h.app.store.releases.list(integration.id).first)
                #expect(release.state == .pending && release.attempts == 0)
                #expect(try await Self.writes(double).isEmpty)
                #expect(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).isEmpty)

                // A key id Canvas does not have is named, too.
                let unknown = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": "170000000009999", "rereviewOn": "2099-01-01"],
                                                   csrfFrom: releasePath)
                #expect(unknown.status == .unprocessableEntity && unknown.text.contains("Canvas has no developer key 170000000009999"))
            }
        }
    }

    @Test func aMissingPermissionLeavesTheReleasePendingAndTheFailureVisible() async throws {
        let scenario = Self.scenario { $0.permissions?["manage_developer_keys"] = false }
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (_, _, refused) = try await Self.confirmRelease(h, admin, integration)
                #expect(refused.status == .badGateway)
                #expect(refused.text.contains("lacks the permission manage_developer_keys") && refused.text.contains("Nothing was recorded as released"))
                #expect(try await h.app.store.releases.list(integration.id).first?.state == .pending)
                let write = try #require(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).first)
                #expect(write.state == .failed)
                // Canvas answered 401 "not authorized" (no new token asked for): one request, not retried.
                #expect(try await Self.writes(double).map { $0["status"] as? Int } == [401])
                let dashboard = try await admin.get("/")
                #expect(dashboard.text.contains("Canvas changes waiting"))
            }
        }
    }

    @Test func aServerErrorAfterTheChangeTookEffectIsDecidedByReadingBack() async throws {
        let scenario = Self.bindingFault(500, applied: true)
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (_, _, released) = try await Self.confirmRelease(h, admin, integration)
                #expect(released.status == .seeOther, "\(errorsIn(released.text))")
                // Sent once — a 500 is never resent — and the read-back found the key on.
                #expect(try await Self.writes(double).map { $0["status"] as? Int } == [500])
                let write = try #require(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).first)
                #expect(write.state == .done && write.outcome?.contains("took effect") == true)
            }
        }
    }

    @Test func aServerErrorBeforeTheChangeFailsAndARetryMakesIt() async throws {
        let scenario = Self.bindingFault(503, applied: false)
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (releasePath, code, refused) = try await Self.confirmRelease(h, admin, integration)
                #expect(refused.status == .badGateway && refused.text.contains("Canvas answered 503"))
                #expect(try await h.app.store.releases.list(integration.id).first?.state == .pending)
                // The same code still works (no attempt spent); the second try switches the key on.
                let released = try await admin.post(releasePath + "/verify", form: ["code": code, "canvasKeyID": Self.keyID, "rereviewOn": "2099-01-01"],
                                                    csrfFrom: releasePath)
                #expect(released.status == .seeOther, "\(errorsIn(released.text))")
                #expect(try await Self.writes(double).map { $0["status"] as? Int } == [503, 200])
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func twoWritersOnOneIntentWriteOnce(engine: TestEngine) async throws {
        let scenario = Self.scenario { $0.quirks = { var q = CanvasScenario.Quirks(); q.writeDelayMilliseconds = 400; return q }() }
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(engine, configure: Self.enforcing(double)) { h in
                let enforcement = h.app.context.operations.enforcement
                let write = try await enforcement.record(CanvasWriteTarget(action: .keyOff, objectID: "170000000000100", name: "Key 0"),
                                                         reason: "test", by: .system)
                async let first = enforcement.perform(write.id, by: .system)
                async let second = enforcement.perform(write.id, by: .system)
                let both = try await [first, second]
                #expect(try await Self.writes(double).count == 1)
                #expect(try await enforcement.find(write.id)?.state == .done)
                #expect(both.contains { $0.state == .done })
                // Done stays done: performing it again sends nothing.
                _ = try await enforcement.perform(write.id, by: .system)
                #expect(try await Self.writes(double).count == 1)
            }
        }
    }

    @Test func aWriteInterruptedByACrashIsRepairedByReadingBackNotByWritingAgain() async throws {
        try await CanvasDoubleProcess.with(Self.scenario()) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let enforcement = h.app.context.operations.enforcement
                // Key 0 is on in the double; an instance died after claiming a switch-on of it.
                let write = try await enforcement.record(CanvasWriteTarget(action: .keyOn, objectID: "170000000000100", name: "Key 0"), reason: "test", by: .system)
                _ = try await h.app.store.canvasWrites.update(write.id, by: .system, at: h.clock.now) { write in
                    write.state = .performing
                    return CanvasWriteChange("canvas_write_started", "writing")
                }
                // A claim whose lease is still held is another instance's: left alone.
                #expect(try await h.app.store.canvas.acquireLease("canvas_write:\(write.id)", holder: "other", until: h.clock.now.addingTimeInterval(600), now: h.clock.now))
                #expect(await enforcement.repair() == 0)
                #expect(try await enforcement.find(write.id)?.state == .performing)
                // That instance is gone (its lease freed or expired): the next sync settles the write by reading back.
                try await h.app.store.canvas.releaseLease("canvas_write:\(write.id)", holder: "other")
                _ = try await h.app.context.operations.canvas.sync(by: .system)
                let repaired = try #require(try await enforcement.find(write.id))
                #expect(repaired.state == .done && repaired.outcome?.contains("not written again") == true)
                #expect(try await Self.writes(double).isEmpty)
            }
        }
    }

    @Test func turningOffAReleasedKeySwitchesItOffInCanvas() async throws {
        try await CanvasDoubleProcess.with(Self.scenario()) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (releasePath, _, _) = try await Self.confirmRelease(h, admin, integration)
                let noNote = try await admin.post(releasePath + "/actions", form: ["action": "turn_off", "note": ""], csrfFrom: releasePath)
                #expect(noNote.status == .unprocessableEntity)
                #expect(try await Self.writes(double).count == 1)  // a bad form changes nothing in Canvas
                let off = try await admin.post(releasePath + "/actions", form: ["action": "turn_off", "note": "Contract paused"], csrfFrom: releasePath)
                #expect(off.status == .seeOther, "\(errorsIn(off.text))")
                let sent = try await Self.writes(double)
                #expect(sent.count == 2 && (sent.last?["body"] as? String)?.contains("workflow_state%5D=off") == true)
                #expect(try await h.app.store.releases.list(integration.id).first?.state == .off)
                // Back on re-checks the gate and the key, and switches it on again.
                let on = try await admin.post(releasePath + "/actions", form: ["action": "turn_on", "note": "Contract renewed"], csrfFrom: releasePath)
                #expect(on.status == .seeOther, "\(errorsIn(on.text))")
                #expect(try await Self.writes(double).count == 3)
            }
        }
    }

    @Test func aRotationSwitchesTheNewKeyOnAndTheOldOneOff() async throws {
        let scenario = Self.scenario { scenario in
            var next = CanvasScenario.Key(id: "170000000000556", name: "Ready sync key 2027")
            next.binding = "off"
            next.scopes = [Self.approvedScope]
            next.requireScopes = true
            next.allowIncludes = false
            scenario.developerKeys?.append(next)
        }
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                let (oldPath, _, _) = try await Self.confirmRelease(h, admin, integration)
                let oldID = try #require(oldPath.split(separator: "/").last.map(String.init))
                let rotation = try await admin.post("/integrations/\(integration.id)/releases", form: ["previous": oldID], csrfFrom: oldPath)
                let newPath = try #require(rotation.location)
                let confirmed = try await admin.post(newPath + "/verify", form: ["code": try await latestCode(h), "canvasKeyID": "170000000000556", "rereviewOn": "2099-01-01"],
                                                     csrfFrom: newPath)
                #expect(confirmed.status == .seeOther, "\(errorsIn(confirmed.text))")
                let sent = try await Self.writes(double).map { "\($0["path"] ?? "") \($0["body"] ?? "")" }
                #expect(sent == [
                    "/api/v1/accounts/self/developer_keys/\(Self.keyID)/developer_key_account_bindings developer_key_account_binding%5Bworkflow_state%5D=on",
                    "/api/v1/accounts/self/developer_keys/170000000000556/developer_key_account_bindings developer_key_account_binding%5Bworkflow_state%5D=on",
                    "/api/v1/accounts/self/developer_keys/\(Self.keyID)/developer_key_account_bindings developer_key_account_binding%5Bworkflow_state%5D=off"])
                let states = Dictionary(uniqueKeysWithValues: try await h.app.store.releases.list(integration.id).map { ($0.details?.canvasKeyID ?? "", $0.state) })
                #expect(states == [Self.keyID: .retired, "170000000000556": .released])
                let off = try #require(try await h.app.store.canvasWrites.list(CanvasWriteQuery(integrationID: integration.id)).first { $0.target.action == .keyOff })
                #expect(off.state == .done && off.reason.hasPrefix("rotated by release"))
            }
        }
    }

    @Test func theDefaultPolicyProposesSwitchingOffAKeyOnWithoutARelease() async throws {
        try await CanvasDoubleProcess.with(Self.scenario()) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let (_, findings) = try await h.app.context.operations.canvas.sync(by: .system)
                let onWithout = Set(findings.filter { $0.kind == .keyOnWithoutRelease }.map(\.objectID))
                #expect(onWithout.contains("170000000000100"))
                let proposed = try await h.app.store.canvasWrites.list(CanvasWriteQuery(states: [.proposed]))
                #expect(Set(proposed.map(\.target.objectID)) == onWithout)
                #expect(try await Self.writes(double).isEmpty)
                // One notice per proposal, stored with it.
                #expect(try await h.mail().filter { $0.contains("should not be on") && $0.contains("proposes switching it off") }.count == proposed.count)
                // A second sync proposes nothing twice.
                _ = try await h.app.context.operations.canvas.sync(by: .system)
                #expect(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).count == proposed.count)

                // One click on the Canvas page switches it off; procurement may not; a bad id is 404.
                let admin = try await h.signedIn(.admin)
                let target = try #require(proposed.first { $0.target.objectID == "170000000000100" })
                let procurement = try await h.signedIn(.procurement)
                #expect(try await procurement.post("/canvas/writes/\(target.id)/perform", form: [:], csrfFrom: "/canvas").status == .forbidden)
                #expect(try await admin.post("/canvas/writes/not-an-id/perform", form: [:], csrfFrom: "/canvas").status == .notFound)
                let done = try await admin.post("/canvas/writes/\(target.id)/perform", form: [:], csrfFrom: "/canvas")
                #expect(done.status == .seeOther)
                #expect(try await h.app.store.canvasWrites.find(target.id)?.state == .done)
                #expect(try await Self.writes(double).count == 1)
                let other = try #require(proposed.first { $0.id != target.id })
                #expect(try await admin.post("/canvas/writes/\(other.id)/dismiss", form: [:], csrfFrom: "/canvas").status == .seeOther)
                #expect(try await h.app.store.canvasWrites.find(other.id)?.state == .dismissed)
                // The next sync neither proposes the dismissed switch-off again nor mails about it.
                let mailsBefore = try await h.mail().count
                _ = try await h.app.context.operations.canvas.sync(by: .system)
                #expect(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).filter { $0.target.objectID == other.target.objectID }.count == 1)
                #expect(try await h.mail().count == mailsBefore)
            }
        }
    }

    @Test func anAutomaticPolicySwitchesOffAReleasedKeyWhoseContractEnded() async throws {
        let data = NSTemporaryDirectory() + "vr-data-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: repositoryRoot + "/data", toPath: data)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let policy = data + "/policy.yaml"
        try String(contentsOfFile: policy, encoding: .utf8).replacingOccurrences(of: "auto_off: propose", with: "auto_off: automatic")
            .write(toFile: policy, atomically: true, encoding: .utf8)
        try await CanvasDoubleProcess.with(Self.scenario { scenario in
            // Only the released key is on, so the policy has one thing to do.
            for index in scenario.developerKeys!.indices where scenario.developerKeys![index].id != Self.keyID { scenario.developerKeys![index].binding = "off" }
        }) { double in
            try await withWebApp(configure: { config in Self.enforcing(double)(&config); config.dataDirectory = data + "/" }) { h in
                let integration = try await makeReady(h)
                let admin = try await h.signedIn(.admin)
                _ = try await Self.confirmRelease(h, admin, integration)
                // The contract ends: the gate lapses, and the next sync switches the key off.
                let contract = try #require(try await h.app.store.contracts.list(ContractQuery(vendorID: integration.vendorID)).items.first)
                var fields = contract.fields
                fields.endsOn = "2020-06-30"
                _ = try await h.app.store.contracts.update(contract.id, to: fields, expectedVersion: contract.version, by: .commandLine, at: h.clock.now)
                _ = try await h.app.context.operations.gateWatch.recheckAll(after: "test")
                _ = try await h.app.context.operations.canvas.sync(by: .system)
                let sent = try await Self.writes(double)
                #expect(sent.count == 2 && (sent.last?["body"] as? String)?.contains("workflow_state%5D=off") == true)
                let off = try #require(try await h.app.store.canvasWrites.list(CanvasWriteQuery()).first { $0.target.action == .keyOff })
                #expect(off.state == .done && off.reason.contains("issuance gate is no longer met"))
                // One notice, stored with the outcome it reports.
                let notices = try await h.mail().filter { $0.contains("should not be on") }
                #expect(notices.count == 1 && notices.first?.contains("switched it off in Canvas (read back: Canvas shows the key") == true)
            }
        }
    }

    @Test func anAdminDeletesAPolicyBreakingTokenAndSwitchesARegistrationOffFromTheCanvasPage() async throws {
        let scenario = Self.scenario { $0.permissions?["delete_access_tokens"] = true }
        try await CanvasDoubleProcess.with(scenario) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                // The register knows the token's holder, so the sync lists the user's tokens.
                _ = try await h.app.store.tokenRegister.add([RegisteredTokenFields(holder: "Canvas user 88001", role: .staff, purpose: "Reports", createdOn: "2026-10-01")],
                                                           source: "test", by: .commandLine, at: h.clock.now, ids: { .init(UUID()) })
                let (_, findings) = try await h.app.context.operations.canvas.sync(by: .system)
                #expect(findings.contains { $0.kind == .tokenPolicy && $0.objectID == "4001" })
                let admin = try await h.signedIn(.admin)
                let page = try await admin.get("/canvas")
                #expect(page.text.contains("Delete in Canvas") && page.text.contains("Enforcement is on"))
                #expect(!(try await (try await h.signedIn(.auditor)).get("/canvas")).text.contains("Delete in Canvas"))

                let unconfirmed = try await admin.post("/canvas/writes", form: ["action": "token_delete", "objectID": "4001"], csrfFrom: "/canvas")
                #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.text.contains("Tick the box"))
                let on = try await admin.post("/canvas/writes", form: ["action": "key_on", "objectID": "170000000000101", "confirm": "yes"], csrfFrom: "/canvas")
                #expect(on.status == .unprocessableEntity && on.text.contains("only follows a verified release"))
                let bent = try await admin.post("/canvas/writes", form: ["action": "token_delete", "objectID": "4001/../../x", "confirm": "yes"], csrfFrom: "/canvas")
                #expect(bent.status == .unprocessableEntity)
                #expect(try await Self.writes(double).isEmpty)

                let deleted = try await admin.post("/canvas/writes", form: ["action": "token_delete", "objectID": "4001", "confirm": "yes"], csrfFrom: "/canvas")
                #expect(deleted.status == .seeOther)
                let off = try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/writes", headers: jsonHeaders(try await h.token(.admin)),
                                                                body: try jsonBody(["action": "registration_off", "objectID": "500", "confirm": true]))
                #expect(off.status == .created, "\(off.body.string)")
                let sent = try await Self.writes(double)
                #expect(sent.map { "\($0["method"] ?? "") \($0["path"] ?? "")" } == ["DELETE /api/v1/users/88001/tokens/4001", "POST /api/v1/accounts/self/lti_registrations/500/bind"])
                #expect(try await h.app.store.canvasWrites.list(CanvasWriteQuery(states: [.done])).count == 2)
                #expect(try await h.app.testing().sendRequest(.POST, "/api/v1/canvas/writes", headers: jsonHeaders(try await h.token(.reviewer)),
                                                              body: try jsonBody(["action": "registration_off", "objectID": "500", "confirm": true])).status == .forbidden)
            }
        }
    }

    @Test func anAdminMakesAToolUnavailableInOneSubAccountAndOneCourseFromItsIntegrationPage() async throws {
        try await CanvasDoubleProcess.with(Self.scenario()) { double in
            try await withWebApp(configure: Self.enforcing(double)) { h in
                let store = h.app.store
                let vendor = try await store.vendors.create(VendorFields(name: "Reader Co", securityContactEmail: "security@reader.example", standing: .goodStanding),
                                                            id: .init(UUID()), by: .commandLine, at: h.clock.now)
                // Named as the registration is, so the sync (and the page) link them.
                let integration = try await store.integrations.create(
                    IntegrationFields(name: "Reader", kind: .lti13, installLevel: .course, purpose: "Reading practice", classification: .restricted),
                    vendorID: vendor.id, id: .init(UUID()), by: .commandLine, at: h.clock.now)
                // A control the institution already made in Canvas, still available: it is updated, not duplicated.
                var made = HTTPClientRequest(url: double.url.absoluteString + "/api/v1/accounts/self/lti_registrations/500/controls")
                made.method = .POST
                made.headers.add(name: "Authorization", value: "Bearer \(CanvasDoubleProcess.token)")
                made.headers.add(name: "Content-Type", value: "application/json")
                made.body = .bytes(ByteBuffer(string: #"{"course_id": "5151", "available": true}"#))
                #expect(try await HTTPClient.shared.execute(made, timeout: .seconds(10)).status == .created)
                _ = try await h.app.context.operations.canvas.sync(by: .system)

                let admin = try await h.signedIn(.admin)
                let page = "/integrations/\(integration.id)"
                let shown = try await admin.get(page)
                #expect(shown.text.contains("registration-context-off-500") && shown.text.contains("Business (10000000000002)"))
                #expect(!shown.text.contains(">Northfield (10000000000001)<"), "the root account is not a context to choose: that is switching off")
                let reviewerPage = try await (try await h.signedIn(.reviewer)).get(page)
                #expect(reviewerPage.text.contains("registration-500") && !reviewerPage.text.contains("registration-context-off-500"))

                func ask(_ fields: [String: String]) async throws -> TestingHTTPResponse {
                    try await admin.post("/canvas/writes", form: ["action": "registration_context_off", "objectID": "500", "confirm": "yes",
                                                                  "integrationID": integration.id.description].merging(fields) { $1 }, csrfFrom: page)
                }
                let noCourse = try await ask(["context": "course", "courseID": ""])
                #expect(noCourse.status == .unprocessableEntity && noCourse.text.contains("A course id is digits") && noCourse.text.contains("canvas-write-error"))
                let root = try await ask(["context": "account", "accountID": "10000000000001"])
                #expect(root.status == .unprocessableEntity && root.text.contains("switch the registration off instead"))
                let noPlace = try await ask([:])
                #expect(noPlace.status == .unprocessableEntity && noPlace.text.contains("Choose a sub-account or a course"))
                #expect(try await Self.writes(double).filter { ($0["method"] as? String) != nil && ($0["body"] as? String)?.contains("5151") != true }.isEmpty)

                let sub = try await ask(["context": "account", "accountID": "10000000000002"])
                #expect(sub.status == .seeOther && sub.location == page + "#canvas")
                #expect(try await ask(["context": "course", "courseID": "4242"]).status == .seeOther)
                #expect(try await ask(["context": "course", "courseID": "4242"]).status == .seeOther, "asked again: Canvas already shows it, nothing written")
                #expect(try await ask(["context": "course", "courseID": "5151"]).status == .seeOther)

                let sent = try await Self.writes(double).dropFirst()
                #expect(sent.map { "\($0["method"] ?? "") \($0["path"] ?? "")" } == [
                    "POST /api/v1/accounts/self/lti_registrations/500/controls", "POST /api/v1/accounts/self/lti_registrations/500/controls",
                    "PUT /api/v1/accounts/self/lti_registrations/500/controls/880001"])
                let bodies = sent.compactMap { $0["body"] as? String }
                #expect(bodies.count == 3 && bodies[0].contains(#""account_id":"10000000000002""#) && bodies[1].contains(#""course_id":"4242""#)
                        && bodies.allSatisfy { $0.contains(#""available":false"#) })
                let done = try await store.canvasWrites.list(CanvasWriteQuery(integrationID: integration.id))
                #expect(done.count == 4 && done.allSatisfy { $0.state == .done && $0.target.action == .registrationContextOff })
                #expect(done.contains { $0.target.context == CanvasContext(kind: .course, id: "4242") && $0.outcome?.contains("already showed") == true })
                let after = try await admin.get(page)
                #expect(after.text.contains("Make LTI registration unavailable “Reader” (500) in sub-account 10000000000002")
                        && after.text.contains("in course 4242") && after.text.contains("Done (read back)"))
            }
        }
    }
}
