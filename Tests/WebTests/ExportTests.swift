import Domain
import Foundation
import Operations
import Persistence
import SQLKit
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

/// The first problem `export verify` names, or nil when the export is intact.
func verifyProblem(_ directory: String, publicKey: String? = nil, previous: String? = nil) -> String? {
    switch AuditorExports.verify(directory, publicKey: publicKey, previous: previous) {
    case .success: nil
    case let .failure(problem): problem.description
    }
}

/// Writes `manifest` as the export's manifest and signs it with `key`, as a forger holding that key would.
func resign(_ directory: String, _ manifest: ExportManifest, with key: InstitutionKey) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let bytes = try encoder.encode(manifest)
    try bytes.write(to: URL(fileURLWithPath: directory + ExportManifest.fileName))
    try encoder.encode(try ExportSignature.sign(bytes, with: key)).write(to: URL(fileURLWithPath: directory + ExportSignature.fileName))
}

/// The manifest with `path`'s entry recomputed from the file as it is now (what a forger does after editing it).
func rehashed(_ manifest: ExportManifest, _ directory: String, _ path: String, events: Int64? = nil, head: String? = nil) throws -> ExportManifest {
    let data = try Data(contentsOf: URL(fileURLWithPath: directory + path))
    var digest = StreamingDigest()
    digest.update(data)
    let files = manifest.files.filter { $0.path != path } + [.init(path: path, bytes: Int64(data.count), sha256: digest.finish())]
    return ExportManifest(generatedAt: manifest.generatedAt, asOf: manifest.asOf, auditEvents: events ?? manifest.auditEvents,
                          auditHeadHash: head ?? manifest.auditHeadHash, checkpoints: [], files: files.sorted { $0.path < $1.path })
}

@Suite("Auditor export")
struct ExportTests {
    @Test(arguments: TestEngine.available)
    func anExportVerifiesAndAnyChangedByteIsFound(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let vendor = try await reportFixture(h, vendorName: "=cmd|' /C calc'!A0")
            let directory = NSTemporaryDirectory() + "vr-export-test-\(UUID().uuidString)/"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let manifest = try await h.app.operations.exports.write(to: directory, asOf: nil)
            #expect(verifyProblem(directory) == nil)
            #expect(manifest.files.contains { $0.path.hasPrefix("documents/contracts/") && $0.path.hasSuffix("Signed <MSA>.pdf") })
            let (verifier, _) = try await h.app.store.audit.verifyChain()
            #expect(manifest.auditEvents == Int64(verifier.checked) && manifest.auditHeadHash == verifier.headHash)
            let vendors = try String(contentsOfFile: directory + "csv/vendors.csv", encoding: .utf8)
            #expect(vendors.contains("'=cmd|' /C calc'!A0") && !vendors.contains(",=cmd"), "a formula-looking vendor name is neutralised")
            let records = try String(contentsOfFile: directory + "records.json", encoding: .utf8)
            #expect(records.contains("\"=cmd|' /C calc'!A0\""), "JSON keeps the value as stored")
            #expect(records.contains(vendor.id.description))

            // One changed byte in any file is found, and named.
            for file in manifest.files {
                let url = URL(fileURLWithPath: directory + file.path)
                let original = try Data(contentsOf: url)
                var changed = original
                changed[changed.count / 2] ^= 0x01
                try changed.write(to: url)
                #expect(verifyProblem(directory)?.contains(file.path) == true, "\(file.path)")
                try original.write(to: url)
            }
            #expect(verifyProblem(directory) == nil)

            // A rewritten audit event is found even when the manifest is rewritten to match.
            let auditPath = directory + "audit.jsonl"
            let original = try String(contentsOfFile: auditPath, encoding: .utf8)
            let tampered = original.replacingOccurrences(of: "Remove tokens from logs", with: "All good")
            #expect(tampered != original)
            try tampered.write(toFile: auditPath, atomically: true, encoding: .utf8)
            var forged = manifest.files.filter { $0.path != "audit.jsonl" }
            let data = Data(tampered.utf8)
            var digest = StreamingDigest()
            digest.update(data)
            forged.append(.init(path: "audit.jsonl", bytes: Int64(data.count), sha256: digest.finish()))
            let forgedManifest = ExportManifest(generatedAt: manifest.generatedAt, asOf: nil, auditEvents: manifest.auditEvents, auditHeadHash: manifest.auditHeadHash,
                                                checkpoints: [], files: forged.sorted { $0.path < $1.path })
            let signatureBytes = try Data(contentsOf: URL(fileURLWithPath: directory + ExportSignature.fileName))
            try resign(directory, forgedManifest, with: InstitutionKey.generate().key)
            let problem = try #require(verifyProblem(directory))
            #expect(problem.hasPrefix("audit.jsonl line ") && problem.contains("does not match its stored hash"), "\(problem)")

            // An added file is found too.
            try original.write(toFile: auditPath, atomically: true, encoding: .utf8)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: directory + ExportManifest.fileName))
            try signatureBytes.write(to: URL(fileURLWithPath: directory + ExportSignature.fileName))
            #expect(verifyProblem(directory, publicKey: h.app.operations.exports.publicKey) == nil, "the manifest as written is restored")
            try "extra".write(toFile: directory + "csv/extra.csv", atomically: true, encoding: .utf8)
            #expect(verifyProblem(directory) == "csv/extra.csv is not in the manifest (a file was added)")
        }
    }

    @Test func asOfShowsWhatWasApprovedBeforeAWhitelistChange() async throws {
        try await withWebApp { h in
            let integration = try await makeReady(h)
            let store = h.app.store
            #expect(try await store.integrations.find(integration.id)?.status == .approved, "ready means approved")
            let approvedMoment = h.clock.now.addingTimeInterval(30)
            h.clock.advance(by: 3_600)
            _ = try await store.integrations.saveWhitelist(
                [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/users", justification: "roster", group: "Users", kinds: [.roster]),
                 WhitelistEntry(verb: .GET, template: "/api/v1/users/:id/profile", justification: "names", group: "Users", kinds: [.userPII])],
                for: integration.id, expectedWhitelistVersion: 1, by: .commandLine, at: h.clock.now)
            func asOf(_ moment: Date) async throws -> String {
                let directory = NSTemporaryDirectory() + "vr-asof-\(UUID().uuidString)/"
                defer { try? FileManager.default.removeItem(atPath: directory) }
                _ = try await h.app.operations.exports.write(to: directory, asOf: moment)
                #expect(verifyProblem(directory) == nil)
                return try String(contentsOfFile: directory + "as_of.csv", encoding: .utf8)
            }
            let before = try await asOf(approvedMoment)
            #expect(before.contains("Ready sync,Approved,Approved,1,2,GET /api/v1/courses/:course_id/users,,yes"), "\(before)")
            let after = try await asOf(h.clock.now.addingTimeInterval(1))
            #expect(after.contains("Ready sync,Approved,Approved,2,2,GET /api/v1/courses/:course_id/users; GET /api/v1/users/:id/profile,,no"), "\(after)")
        }
    }

    @Test func auditorsDownloadTheExportAsAZip() async throws {
        try await withWebApp { h in
            _ = try await reportFixture(h)
            let auditor = try await h.signedIn(.auditor)
            let page = try await auditor.get("/exports").text
            #expect(page.contains("Download export (.zip)") && page.contains(h.app.operations.exports.publicKey))
            let zip = try await auditor.get("/exports/download")
            #expect(zip.status == .ok && zip.headers.contentType?.subType == "zip")
            let bytes = Array(zip.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) && bytes.suffix(22).starts(with: [0x50, 0x4B, 0x05, 0x06]))
            #expect(String(decoding: bytes, as: UTF8.self).contains("manifest.json") && String(decoding: bytes, as: UTF8.self).contains("manifest.sig"))
            #expect(try await auditor.get("/exports/download?asOf=someday").status == .unprocessableEntity)
            #expect(try await (try await h.signedIn(.procurement)).get("/exports/download").status == .forbidden)
        }
    }

    /// The three forgeries the issue measured ("intact" after each, when nothing was signed), each refused
    /// when the institution's key is pinned; and a bundle signed again with another key, or not at all.
    @Test(arguments: TestEngine.available)
    func forgedExportsAreRefusedWhenTheKeyIsPinned(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            _ = try await reportFixture(h)
            let key = h.app.operations.exports.publicKey
            #expect(ExportSignature.canonicalPublicKey(key) == key && key.hasPrefix("ed25519:"))
            func fresh() async throws -> (String, ExportManifest) {
                let directory = NSTemporaryDirectory() + "vr-forge-\(UUID().uuidString)/"
                let manifest = try await h.app.operations.exports.write(to: directory, asOf: nil)
                #expect(verifyProblem(directory, publicKey: key) == nil)
                return (directory, manifest)
            }
            let forger = InstitutionKey.generate().key

            // 1. A CSV edited and its hash recomputed in manifest.json.
            let (edited, editedManifest) = try await fresh()
            defer { try? FileManager.default.removeItem(atPath: edited) }
            let vendors = try String(contentsOfFile: edited + "csv/vendors.csv", encoding: .utf8)
            try vendors.replacingOccurrences(of: "good_standing", with: "suspended").write(toFile: edited + "csv/vendors.csv", atomically: true, encoding: .utf8)
            let editedEncoder = JSONEncoder()
            editedEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try editedEncoder.encode(try rehashed(editedManifest, edited, "csv/vendors.csv")).write(to: URL(fileURLWithPath: edited + ExportManifest.fileName))
            #expect(verifyProblem(edited, publicKey: key)?.contains("the signature does not match manifest.json") == true)
            #expect(verifyProblem(edited)?.contains("the signature does not match manifest.json") == true, "the signature is checked even unpinned")

            // 2. The chain re-hashed from an edited event onward, and the manifest re-signed by someone else.
            let (rehashedChain, chainManifest) = try await fresh()
            defer { try? FileManager.default.removeItem(atPath: rehashedChain) }
            var events = try String(contentsOfFile: rehashedChain + "audit.jsonl", encoding: .utf8).split(separator: "\n")
                .map { try JSONDecoder().decode(AuditLine.self, from: Data($0.utf8)).event }
            let target = events.count / 2
            var previous = events[target - 1].hash
            for index in target..<events.count {
                let e = events[index]
                let entry = AuditEntry(occurredAt: e.occurredAt, actor: Actor(userID: e.actorID, label: e.actorLabel), entityType: e.entityType,
                                       entityID: e.entityID, action: e.action, summary: index == target ? "nothing to see" : e.summary)
                events[index] = AuditChain.seal(entry, sequence: e.sequence, previousHash: previous)
                previous = events[index].hash
            }
            var lines: [UInt8] = []
            for event in events { AuditLineCodec.append(event, to: &lines) }
            try Data(lines).write(to: URL(fileURLWithPath: rehashedChain + "audit.jsonl"))
            try resign(rehashedChain, try rehashed(chainManifest, rehashedChain, "audit.jsonl", head: previous), with: forger)
            #expect(verifyProblem(rehashedChain) == nil, "consistent in itself: only the pinned key tells")
            let wrongKey = try #require(verifyProblem(rehashedChain, publicKey: key))
            #expect(wrongKey.contains("not by the institution's key \(key)"), "\(wrongKey)")

            // 3. The last 10 events dropped.
            let (truncated, truncatedManifest) = try await fresh()
            defer { try? FileManager.default.removeItem(atPath: truncated) }
            let kept = try String(contentsOfFile: truncated + "audit.jsonl", encoding: .utf8).split(separator: "\n").dropLast(10)
            try (kept.joined(separator: "\n") + "\n").write(toFile: truncated + "audit.jsonl", atomically: true, encoding: .utf8)
            let last = try JSONDecoder().decode(AuditLine.self, from: Data(kept.last!.utf8))
            try resign(truncated, try rehashed(truncatedManifest, truncated, "audit.jsonl", events: last.sequence, head: last.hash), with: forger)
            #expect(verifyProblem(truncated, publicKey: key)?.contains("not by the institution's key") == true)
            // Kept unsigned instead: refused when pinned, and named unsigned.
            try FileManager.default.removeItem(atPath: truncated + ExportSignature.fileName)
            #expect(verifyProblem(truncated, publicKey: key)?.contains("the export is not signed") == true)
            #expect(verifyProblem(truncated)?.contains("manifest.sig is missing") == true)
            #expect(verifyProblem(truncated, publicKey: "ed25519:not-a-key")?.contains("is not an Ed25519 public key") == true)
        }
    }

    /// Every export writes its head down; a later export refuses a database chain that no longer passes
    /// through it, and `--previous` checks that one export extends another.
    @Test(arguments: TestEngine.available)
    func laterExportsMustExtendTheRecordedHead(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            _ = try await reportFixture(h)
            let key = h.app.operations.exports.publicKey
            let first = NSTemporaryDirectory() + "vr-first-\(UUID().uuidString)/"
            defer { try? FileManager.default.removeItem(atPath: first) }
            let firstManifest = try await h.app.operations.exports.write(to: first, asOf: nil)
            let recorded = try await h.app.store.audit.checkpoints()
            #expect(recorded.map(\.sequence) == [firstManifest.auditEvents] && recorded.first?.reason == .export)
            // The daily check writes nothing when the head is already written down, or within a day of the last one.
            h.clock.advance(by: 86_401)
            #expect(try await h.app.operations.exports.recordDailyCheckpoint() == nil, "nothing new since the export")
            _ = try await h.app.store.vendors.create(VendorFields(name: "Later Vendor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            let daily = try #require(try await h.app.operations.exports.recordDailyCheckpoint())
            #expect(daily.sequence == firstManifest.auditEvents + 1 && daily.reason == .daily)
            _ = try await h.app.store.vendors.create(VendorFields(name: "Even Later Vendor"), id: .init(UUID()), by: .commandLine, at: h.clock.now)
            #expect(try await h.app.operations.exports.recordDailyCheckpoint() == nil, "once a day")

            let second = NSTemporaryDirectory() + "vr-second-\(UUID().uuidString)/"
            defer { try? FileManager.default.removeItem(atPath: second) }
            let secondManifest = try await h.app.operations.exports.write(to: second, asOf: nil)
            #expect(secondManifest.auditEvents > firstManifest.auditEvents)
            #expect(secondManifest.checkpoints?.map(\.sequence) == [firstManifest.auditEvents, daily.sequence])
            #expect(verifyProblem(second, publicKey: key, previous: first) == nil)
            let extends = try AuditorExports.verify(second, publicKey: key, previous: first).get().extends
            #expect(extends?.events == firstManifest.auditEvents && extends?.head == firstManifest.auditHeadHash)
            // Given the wrong way round, the "earlier" export is longer than this one.
            #expect(verifyProblem(first, publicKey: key, previous: second)?.contains("was recorded before (events were removed)") == true)

            // Someone with the database rewrites the chain consistently from event 2 on: the chain verifies in
            // itself, but no longer passes through the head recorded at the first export, so no export is written.
            let sql = sqlDatabase(h.app.persistence)
            let events = try await h.app.store.audit.events(after: 0, limit: 10_000)
            var previous = events[0].hash
            for e in events.dropFirst() {
                let sealed = AuditChain.seal(AuditEntry(occurredAt: e.occurredAt, actor: Actor(userID: e.actorID, label: e.actorLabel), entityType: e.entityType,
                                                        entityID: e.entityID, action: e.action, summary: e.sequence == 2 ? "rewritten" : e.summary),
                                             sequence: e.sequence, previousHash: previous)
                try await sql.raw("UPDATE audit_events SET summary = \(bind: sealed.summary), previous_hash = \(bind: sealed.previousHash), hash = \(bind: sealed.hash) WHERE seq = \(bind: e.sequence)").run()
                previous = sealed.hash
            }
            try await sql.raw("UPDATE audit_head SET last_hash = \(bind: previous) WHERE id = 1").run()
            #expect(try await h.app.store.audit.verifyChain().1 == nil, "the rewrite is consistent in itself")
            let third = NSTemporaryDirectory() + "vr-third-\(UUID().uuidString)/"
            defer { try? FileManager.default.removeItem(atPath: third) }
            await #expect(throws: AuditorExports.Problem.self) { _ = try await h.app.operations.exports.write(to: third, asOf: nil) }
            do {
                _ = try await h.app.operations.exports.write(to: NSTemporaryDirectory() + "vr-fourth-\(UUID().uuidString)/", asOf: nil)
            } catch let problem as AuditorExports.Problem {
                #expect(problem.description.contains("is not the one recorded at the export of"), "\(problem)")
            }
        }
    }
}
