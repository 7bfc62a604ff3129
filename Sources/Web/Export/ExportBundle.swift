import Domain
import Foundation
import Persistence
import Vapor

/// Writes and checks auditor exports: CSV per record type, full JSON records, the audit chain as
/// JSON Lines, stored documents, and a manifest of every file's SHA-256.
enum ExportBundle {
    struct Problem: Error, CustomStringConvertible { let description: String }

    /// A file being written: streamed to disk and hashed as it goes.
    final class Sink {
        let path: String
        let handle: FileHandle
        var digest = StreamingDigest()

        init(root: String, path: String) throws {
            self.path = path
            let full = root + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: full, contents: nil) else { throw Problem(description: "cannot create \(full)") }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: full))
        }

        func write(_ text: String) throws { try write(Data(text.utf8)) }

        func write(_ data: Data) throws {
            digest.update(data)
            try handle.write(contentsOf: data)
        }

        func close() throws -> ExportManifest.File {
            try handle.close()
            return ExportManifest.File(path: path, bytes: digest.bytes, sha256: digest.finish())
        }
    }

    /// Writes the export into `directory` (created; must be empty). `progress` gets a line now and then.
    static func write(_ app: Application, to directory: String, asOf: Date?, progress: @Sendable (String) -> Void) async throws -> ExportManifest {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: root), !existing.isEmpty {
            throw Problem(description: "\(root) is not empty; choose a new directory")
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let store = app.store
        let now = app.context.services.now()
        var files: [ExportManifest.File] = []
        var tables: [(String, [String], [[String]])] = []
        func csv(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            let sink = try Sink(root: root, path: "csv/\(name).csv")
            try sink.write(CSV.line(header))
            for row in rows { try sink.write(CSV.line(row)) }
            files.append(try sink.close())
            tables.append((name, header, rows))
        }
        func time(_ date: Date?) -> String { date.map(Format.iso) ?? "" }
        func all<T>(_ fetch: (PageRequest) async throws -> ResultPage<T>) async throws -> [T] {
            var items: [T] = [], page = 1
            while true {
                let batch = try await fetch(PageRequest(page: page, size: 100))
                items += batch.items
                if !batch.hasNext { return items }
                page += 1
            }
        }

        let users = try await store.users.list()
        try csv("users", ["id", "email", "name", "role", "active", "created_at"],
                users.map { [$0.id.description, $0.email, $0.name, $0.role.rawValue, $0.isActive ? "yes" : "no", time($0.createdAt)] })
        let vendors = try await all { try await store.vendors.list(VendorQuery(page: $0)) }
        try csv("vendors", ["id", "name", "standing", "website", "security_contact", "notes", "version"],
                vendors.map { [$0.id.description, $0.fields.name, $0.fields.standing.rawValue, $0.fields.website ?? "", $0.fields.securityContactEmail ?? "",
                               $0.fields.notes ?? "", String($0.version)] })
        let contracts = try await all { try await store.contracts.list(ContractQuery(page: $0)) }
        try csv("contracts", ["id", "vendor_id", "title", "kind", "status", "signed_on", "starts_on", "ends_on"] + ClauseKind.allCases.map(\.rawValue),
                contracts.map { c in [c.id.description, c.vendorID.description, c.fields.title, c.fields.kind.rawValue, c.fields.status.rawValue,
                                      c.fields.signedOn ?? "", c.fields.startsOn ?? "", c.fields.endsOn ?? ""]
                    + ClauseKind.allCases.map { c.fields.clause($0).present ? "yes" + (c.fields.clause($0).reference.map { " (\($0))" } ?? "") : "no" } })
        let integrations = try await store.integrations.all()
        try csv("integrations", ["id", "vendor_id", "name", "kind", "status", "classification", "purpose", "sends_data_to_ai", "ai_services", "owner_id", "whitelist_version", "risk"],
                integrations.map { i in [i.id.description, i.vendorID.description, i.fields.name, i.fields.kind.rawValue, i.status.rawValue,
                                         i.fields.classification.rawValue, i.fields.purpose, i.fields.sendsDataToAI ? "yes" : "no", i.fields.aiServices ?? "",
                                         i.fields.ownerID?.description ?? "", String(i.whitelistVersion), i.risk?.description ?? ""] })
        var endpointRows: [[String]] = [], answerRows: [[String]] = [], reviewRows: [[String]] = [], findingRows: [[String]] = [], releaseRows: [[String]] = []
        var documents: [(path: String, load: () async throws -> [UInt8]?)] = []
        for integration in integrations {
            for version in try await store.integrations.whitelistVersions(integration.id) {
                for e in version.entries {
                    endpointRows.append([integration.id.description, String(version.number), time(version.createdAt), e.verb.rawValue, e.template, e.justification,
                                         e.access.rawValue, e.risk.description])
                }
            }
            for a in try await store.answers.answers(integration.id) {
                answerRows.append([integration.id.description, a.questionnaireID, String(a.questionnaireVersion), a.questionID, a.values.joined(separator: "; "),
                                   a.source.rawValue, a.answeredBy, time(a.answeredAt), a.mark?.rawValue ?? "", a.markComment ?? "", a.markedBy ?? ""])
            }
            for e in try await store.answers.evidence(integration.id) {
                documents.append(("documents/evidence/\(e.id)-\(DocumentCheck.cleanName(e.filename))", { try await store.answers.evidenceDocument(e.id, of: integration.id)?.1 }))
            }
            for r in try await store.reviews.reviews(integration.id) {
                reviewRows.append([r.id.description, integration.id.description, r.kind.rawValue, r.fields.reviewerID.description, r.fields.scope,
                                   r.decision?.decision.rawValue ?? "", r.decision?.decidedOn ?? "", r.decision?.validUntil ?? "", r.decidedBy ?? "",
                                   r.decision?.conditions ?? "", r.supersedes?.description ?? ""])
                for f in try await store.reviews.findings(r.id) {
                    findingRows.append([f.id.description, r.id.description, f.title, f.severity.rawValue, f.status.rawValue, f.riskAcceptedBy ?? "", f.dueOn ?? ""])
                }
            }
            for k in try await store.releases.list(integration.id) {
                releaseRows.append([k.id.description, integration.id.description, k.state.rawValue, k.requestedBy, time(k.requestedAt), time(k.verifiedAt),
                                    k.details?.canvasKeyID ?? "", (k.details?.scopes ?? []).joined(separator: " "), k.details?.rereviewOn ?? "",
                                    String(k.whitelistVersion), k.scopeChanged ? "yes" : "no", k.previousID?.description ?? ""])
            }
        }
        try csv("whitelist_entries", ["integration_id", "version", "version_created_at", "method", "template", "justification", "access", "risk"], endpointRows)
        try csv("answers", ["integration_id", "questionnaire", "questionnaire_version", "question", "answer", "source", "answered_by", "answered_at", "mark", "mark_comment", "marked_by"], answerRows)
        try csv("reviews", ["id", "integration_id", "kind", "reviewer_id", "scope", "decision", "decided_on", "valid_until", "decided_by", "conditions", "supersedes"], reviewRows)
        try csv("findings", ["id", "review_id", "title", "severity", "status", "risk_accepted_by", "due_on"], findingRows)
        try csv("key_releases", ["id", "integration_id", "state", "requested_by", "requested_at", "verified_at", "canvas_key_id", "scopes", "rereview_on", "whitelist_version", "scope_changed", "previous_id"], releaseRows)
        try csv("inherited_keys", ["id", "name", "vendor", "canvas_key_id", "state", "dependents", "reviewed"],
                try await store.inheritedKeys.list().map { [$0.id.description, $0.fields.name, $0.fields.vendor, $0.fields.canvasKeyID ?? "", $0.fields.state.rawValue,
                                                            $0.fields.dependents.map(\.description).joined(separator: " "), $0.fields.reviewed ? "yes" : "no"] })
        try csv("token_register", ["id", "holder", "role", "purpose", "created_on", "expires_on", "last_used_on", "integration_id", "developer_key_id", "state", "revoked_on", "revoked_by"],
                try await store.tokenRegister.list().map { t in [t.id.description, t.fields.holder, t.fields.role.rawValue, t.fields.purpose ?? "", t.fields.createdOn,
                                                                 t.fields.expiresOn ?? "", t.fields.lastUsedOn ?? "", t.fields.integrationID?.description ?? "",
                                                                 t.fields.developerKeyID ?? "", t.isRevoked ? "revoked" : "active", t.revokedOn ?? "", t.revokedBy ?? ""] })
        for contract in contracts {
            for document in try await store.contracts.documents(contract.id) {
                documents.append(("documents/contracts/\(document.id)-\(DocumentCheck.cleanName(document.filename))", { try await store.contracts.document(document.id, of: contract.id)?.1 }))
            }
        }
        progress("records: \(vendors.count) vendors, \(contracts.count) contracts, \(integrations.count) integrations, \(documents.count) documents")

        // The same records as JSON, with values exactly as stored (no spreadsheet neutralising).
        let json = try Sink(root: root, path: "records.json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try json.write("{")
        for (index, table) in tables.enumerated() {
            let objects = table.2.map { Dictionary(uniqueKeysWithValues: zip(table.1, $0)) }
            try json.write((index == 0 ? "" : ",") + "\"\(table.0)\":")
            try json.write(try encoder.encode(objects))
        }
        try json.write("}")
        files.append(try json.close())

        // Documents one at a time, so only one is in memory.
        for document in documents {
            guard let bytes = try await document.load() else { continue }
            let sink = try Sink(root: root, path: document.path)
            try sink.write(Data(bytes))
            files.append(try sink.close())
        }

        // The audit chain, streamed in batches so memory stays flat however long it is.
        let audit = try Sink(root: root, path: "audit.jsonl")
        var after: Int64 = 0
        var head = AuditChain.genesisHash
        var reported: Int64 = 0
        while true {
            let batch = try await store.audit.events(after: after, limit: 5_000)
            if batch.isEmpty { break }
            var chunk = Data()
            for event in batch {
                chunk.append(try encoder.encode(AuditLine(event)))
                chunk.append(0x0A)
            }
            try audit.write(chunk)
            after = batch.last!.sequence
            head = batch.last!.hash
            if after - reported >= 100_000 {
                progress("audit: \(after) events")
                reported = after
            }
        }
        files.append(try audit.close())
        progress("audit: \(after) events, head \(head)")

        if let asOf {
            let sink = try Sink(root: root, path: "as_of.csv")
            try sink.write(CSV.line(["integration", "status_then", "status_now", "whitelist_version_then", "whitelist_version_now", "endpoints_then", "released_keys_then", "changed_since"]))
            for integration in integrations {
                let releases = try await store.releases.list(integration.id)
                var releaseEvents: [AuditEvent] = []
                for release in releases { releaseEvents += try await store.audit.events(entityType: "key_release", entityID: release.id.description) }
                let input = AsOf.Input(integration: integration, versions: try await store.integrations.whitelistVersions(integration.id),
                                       events: try await store.audit.events(entityType: "integration", entityID: integration.id.description),
                                       releases: releases, releaseEvents: releaseEvents.sorted { $0.sequence < $1.sequence })
                guard let row = AsOf.row(input, at: asOf) else { continue }
                try sink.write(CSV.line([row.integration, row.statusThen, row.statusNow, String(row.whitelistVersionThen), String(row.whitelistVersionNow),
                                         row.endpointsThen.joined(separator: "; "), row.releasedKeysThen.joined(separator: "; "), row.changedSince ? "yes" : "no"]))
            }
            files.append(try sink.close())
        }

        let manifest = ExportManifest(generatedAt: Format.iso(now), asOf: asOf.map(Format.iso), auditEvents: after, auditHeadHash: head,
                                      files: files.sorted { $0.path < $1.path })
        let manifestEncoder = JSONEncoder()
        manifestEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try manifestEncoder.encode(manifest).write(to: URL(fileURLWithPath: root + ExportManifest.fileName))
        return manifest
    }

    /// Re-checks every file against the manifest and the audit chain line by line; nil when intact.
    static func verify(_ directory: String) -> String? {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        guard let data = FileManager.default.contents(atPath: root + ExportManifest.fileName),
              let manifest = try? JSONDecoder().decode(ExportManifest.self, from: data) else {
            return "\(ExportManifest.fileName) is missing or unreadable"
        }
        guard manifest.format == ExportManifest.formatName else { return "\(ExportManifest.fileName): unknown format \(manifest.format)" }
        var listed = Set<String>()
        for file in manifest.files {
            listed.insert(file.path)
            if file.path.contains("..") || file.path.hasPrefix("/") { return "\(ExportManifest.fileName) names an unsafe path \(file.path)" }
            guard let handle = FileHandle(forReadingAtPath: root + file.path) else { return "\(file.path) is missing" }
            var digest = StreamingDigest()
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { digest.update(chunk) }
            try? handle.close()
            if digest.bytes != file.bytes { return "\(file.path) has \(digest.bytes) bytes; the manifest says \(file.bytes)" }
            if digest.finish() != file.sha256 { return "\(file.path) does not match its SHA-256 in the manifest (it was changed)" }
        }
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            for case let path as String in enumerator {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: root + path, isDirectory: &isDirectory)
                if !isDirectory.boolValue && path != ExportManifest.fileName && !listed.contains(path) { return "\(path) is not in the manifest (a file was added)" }
            }
        }
        // The chain, line by line, with the same check `audit verify` runs on the database.
        guard let handle = FileHandle(forReadingAtPath: root + "audit.jsonl") else { return "audit.jsonl is missing" }
        defer { try? handle.close() }
        var verifier = AuditChain.Verifier()
        var buffer = Data()
        var lineNumber = 0
        let decoder = JSONDecoder()
        func check(_ line: Data) -> String? {
            lineNumber += 1
            guard let event = try? decoder.decode(AuditLine.self, from: line) else { return "audit.jsonl line \(lineNumber) is not an audit event" }
            if let problem = verifier.check([event.event]) { return "audit.jsonl line \(lineNumber): \(problem)" }
            return nil
        }
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            buffer.append(chunk)
            var start = buffer.startIndex
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                if let problem = check(Data(buffer[start..<newline])) { return problem }
                start = buffer.index(after: newline)
            }
            buffer = Data(buffer[start...])
        }
        if !buffer.isEmpty, let problem = check(buffer) { return problem }
        if Int64(verifier.checked) != manifest.auditEvents || verifier.headHash != manifest.auditHeadHash {
            return "the audit chain ends after \(verifier.checked) events with head \(verifier.headHash), but the manifest records \(manifest.auditEvents) events ending in \(manifest.auditHeadHash)"
        }
        return nil
    }
}

/// The export, for `vendor-review-bench`.
public enum AuditorExport {
    public static func write(_ app: Application, to directory: String) async throws -> (files: Int, events: Int64) {
        let manifest = try await ExportBundle.write(app, to: directory, asOf: nil) { _ in }
        return (manifest.files.count, manifest.auditEvents)
    }

    public static func verify(_ directory: String) -> String? { ExportBundle.verify(directory) }
}
