import Domain
import Foundation
import Operations
import Persistence
import TestSupport
import Testing
import Vapor
import VaporTesting
@testable import Web

@Suite("Auditor export")
struct ExportTests {
    @Test(arguments: TestEngine.available)
    func anExportVerifiesAndAnyChangedByteIsFound(engine: TestEngine) async throws {
        try await withWebApp(engine) { h in
            let vendor = try await reportFixture(h, vendorName: "=cmd|' /C calc'!A0")
            let directory = NSTemporaryDirectory() + "vr-export-test-\(UUID().uuidString)/"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let manifest = try await h.app.operations.exports.write(to: directory, asOf: nil)
            #expect(AuditorExports.verify(directory) == nil)
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
                #expect(AuditorExports.verify(directory)?.contains(file.path) == true, "\(file.path)")
                try original.write(to: url)
            }
            #expect(AuditorExports.verify(directory) == nil)

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
                                                files: forged.sorted { $0.path < $1.path })
            try JSONEncoder().encode(forgedManifest).write(to: URL(fileURLWithPath: directory + ExportManifest.fileName))
            let problem = try #require(AuditorExports.verify(directory))
            #expect(problem.hasPrefix("audit.jsonl line ") && problem.contains("does not match its stored hash"), "\(problem)")

            // An added file is found too.
            try original.write(toFile: auditPath, atomically: true, encoding: .utf8)
            try JSONEncoder().encode(manifest).write(to: URL(fileURLWithPath: directory + ExportManifest.fileName))
            try "extra".write(toFile: directory + "csv/extra.csv", atomically: true, encoding: .utf8)
            #expect(AuditorExports.verify(directory) == "csv/extra.csv is not in the manifest (a file was added)")
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
                #expect(AuditorExports.verify(directory) == nil)
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
            #expect(try await auditor.get("/exports").text.contains("Download export (.zip)"))
            let zip = try await auditor.get("/exports/download")
            #expect(zip.status == .ok && zip.headers.contentType?.subType == "zip")
            let bytes = Array(zip.body.readableBytesView)
            #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) && bytes.suffix(22).starts(with: [0x50, 0x4B, 0x05, 0x06]))
            #expect(String(decoding: bytes, as: UTF8.self).contains("manifest.json"))
            #expect(try await auditor.get("/exports/download?asOf=someday").status == .unprocessableEntity)
            #expect(try await (try await h.signedIn(.procurement)).get("/exports/download").status == .forbidden)
        }
    }
}
