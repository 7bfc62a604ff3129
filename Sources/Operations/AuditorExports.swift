import Domain
import Foundation

/// Auditor exports: CSV per record type, the same records as JSON, the audit chain as JSON Lines,
/// every stored document, and a manifest of every file's SHA-256; and the check of one.
public struct AuditorExports: Sendable {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    private let environment: OperationEnvironment

    init(_ environment: OperationEnvironment) { self.environment = environment }

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

    /// The tables as written, for `records.json`.
    private final class Tables {
        let root: String
        var files: [ExportManifest.File] = []
        var written: [(name: String, header: [String], rows: [[String]])] = []

        init(root: String) { self.root = root }

        func write<Row>(_ table: ExportTable<Row>, _ rows: [Row]) throws {
            let sink = try Sink(root: root, path: "csv/\(table.name).csv")
            try sink.write(CSV.line(table.header))
            let cells = rows.map(table.cells)
            for row in cells { try sink.write(CSV.line(row)) }
            files.append(try sink.close())
            written.append((table.name, table.header, cells))
        }
    }

    /// A stored file to copy into the export, loaded only when its turn comes.
    private typealias Document = (path: String, load: () async throws -> [UInt8]?)

    /// Writes the export into `directory` (created; must be empty). `progress` gets a line now and then.
    public func write(to directory: String, asOf: Date?, progress: @Sendable (String) -> Void = { _ in }) async throws -> ExportManifest {
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: root), !existing.isEmpty {
            throw Problem(description: "\(root) is not empty; choose a new directory")
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let store = environment.store
        let now = environment.now()
        let tables = Tables(root: root)
        let (integrations, documents) = try await writeRecords(store, into: tables, progress: progress)
        var files = tables.files
        files.append(try Self.writeJSON(tables, root: root))
        // Documents one at a time, so only one is in memory.
        for document in documents {
            guard let bytes = try await document.load() else { continue }
            let sink = try Sink(root: root, path: document.path)
            try sink.write(Data(bytes))
            files.append(try sink.close())
        }
        let (audit, events, head) = try await Self.writeAudit(store, root: root, progress: progress)
        files.append(audit)
        if let asOf { files.append(try await Self.writeAsOf(asOf, integrations, store, root: root)) }
        let manifest = ExportManifest(generatedAt: Format.iso(now), asOf: asOf.map(Format.iso), auditEvents: events, auditHeadHash: head,
                                      files: files.sorted { $0.path < $1.path })
        let manifestEncoder = JSONEncoder()
        manifestEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try manifestEncoder.encode(manifest).write(to: URL(fileURLWithPath: root + ExportManifest.fileName))
        return manifest
    }

    /// Every table as CSV; returns the integrations (for `as_of.csv`) and the documents to copy.
    private func writeRecords(_ store: Store, into tables: Tables, progress: (String) -> Void) async throws -> ([Integration], [Document]) {
        try tables.write(ExportTables.users, try await store.users.list())
        var vendors: [Vendor] = [], page = 1
        while true {
            let batch = try await store.vendors.list(VendorQuery(page: PageRequest(page: page, size: PageRequest.maxSize)))
            vendors += batch.items
            if !batch.hasNext { break }
            page += 1
        }
        try tables.write(ExportTables.vendors, vendors)
        let contracts = try await store.contracts.all(ContractQuery())
        try tables.write(ExportTables.contracts, contracts)
        let integrations = try await store.integrations.all()
        try tables.write(ExportTables.integrations, integrations)
        var entries: [ExportedWhitelistEntry] = [], answers: [Answer] = [], reviews: [Review] = [], findings: [Finding] = [], releases: [KeyRelease] = []
        var documents: [Document] = []
        for integration in integrations {
            for version in try await store.integrations.whitelistVersions(integration.id) {
                entries += version.entries.map { ExportedWhitelistEntry(integrationID: integration.id, version: version, entry: $0) }
            }
            answers += try await store.answers.answers(integration.id)
            for e in try await store.answers.evidence(integration.id) {
                documents.append(("documents/evidence/\(e.id)-\(DocumentCheck.cleanName(e.filename))", { try await store.answers.evidenceDocument(e.id, of: integration.id)?.1 }))
            }
            for review in try await store.reviews.reviews(integration.id) {
                reviews.append(review)
                findings += try await store.reviews.findings(review.id)
            }
            releases += try await store.releases.list(integration.id)
        }
        try tables.write(ExportTables.whitelistEntries, entries)
        try tables.write(ExportTables.answers, answers)
        try tables.write(ExportTables.reviews, reviews)
        try tables.write(ExportTables.findings, findings)
        try tables.write(ExportTables.keyReleases, releases)
        try tables.write(ExportTables.inheritedKeys, try await store.inheritedKeys.list())
        try tables.write(ExportTables.tokenRegister, try await store.tokenRegister.list())
        // Canvas syncs (the newest 500, without the objects read) and what each found.
        let syncs = try await store.canvas.list(limit: 500)
        try tables.write(ExportTables.canvasSyncs, syncs)
        var canvasFindings: [ExportedCanvasFinding] = []
        for sync in syncs { canvasFindings += try await store.canvas.findings(sync.id).map { ExportedCanvasFinding(syncID: sync.id, finding: $0) } }
        try tables.write(ExportTables.canvasFindings, canvasFindings)
        for contract in contracts {
            for document in try await store.contracts.documents(contract.id) {
                documents.append(("documents/contracts/\(document.id)-\(DocumentCheck.cleanName(document.filename))", { try await store.contracts.document(document.id, of: contract.id)?.1 }))
            }
        }
        progress("records: \(vendors.count) vendors, \(contracts.count) contracts, \(integrations.count) integrations, \(documents.count) documents")
        return (integrations, documents)
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The same records as JSON, with values exactly as stored (no spreadsheet neutralising).
    private static func writeJSON(_ tables: Tables, root: String) throws -> ExportManifest.File {
        let json = try Sink(root: root, path: "records.json")
        let encoder = Self.encoder
        try json.write("{")
        for (index, table) in tables.written.enumerated() {
            let objects = table.rows.map { Dictionary(uniqueKeysWithValues: zip(table.header, $0)) }
            try json.write((index == 0 ? "" : ",") + "\"\(table.name)\":")
            try json.write(try encoder.encode(objects))
        }
        try json.write("}")
        return try json.close()
    }

    /// The audit chain, streamed in batches so memory stays flat however long it is; with the count and head hash.
    private static func writeAudit(_ store: Store, root: String, progress: (String) -> Void) async throws -> (ExportManifest.File, Int64, String) {
        let audit = try Sink(root: root, path: "audit.jsonl")
        let encoder = Self.encoder
        var after: Int64 = 0
        var head = AuditChain.genesisHash
        var reported: Int64 = 0
        while true {
            let batch = try await store.audit.events(after: after, limit: 5_000)
            guard let last = batch.last else { break }
            var chunk = Data()
            for event in batch {
                chunk.append(try encoder.encode(AuditLine(event)))
                chunk.append(0x0A)
            }
            try audit.write(chunk)
            (after, head) = (last.sequence, last.hash)
            if after - reported >= 100_000 {
                progress("audit: \(after) events")
                reported = after
            }
        }
        progress("audit: \(after) events, head \(head)")
        return (try audit.close(), after, head)
    }

    /// `as_of.csv`: what was approved and released at `moment`, rebuilt from the versions and the trail.
    private static func writeAsOf(_ moment: Date, _ integrations: [Integration], _ store: Store, root: String) async throws -> ExportManifest.File {
        var rows: [AsOfRow] = []
        for integration in integrations {
            let releases = try await store.releases.list(integration.id)
            var releaseEvents: [AuditEvent] = []
            for release in releases { releaseEvents += try await store.audit.events(entityType: "key_release", entityID: release.id.description) }
            let input = AsOf.Input(integration: integration, versions: try await store.integrations.whitelistVersions(integration.id),
                                   events: try await store.audit.events(entityType: "integration", entityID: integration.id.description),
                                   releases: releases, releaseEvents: releaseEvents.sorted { $0.sequence < $1.sequence })
            if let row = AsOf.row(input, at: moment) { rows.append(row) }
        }
        let sink = try Sink(root: root, path: "as_of.csv")
        try sink.write(CSV.line(ExportTables.asOf.header))
        for row in rows { try sink.write(CSV.line(ExportTables.asOf.cells(row))) }
        return try sink.close()
    }

    /// Re-checks every file against the manifest and the audit chain line by line; nil when intact.
    public static func verify(_ directory: String) -> String? {
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
                _ = FileManager.default.fileExists(atPath: root + path, isDirectory: &isDirectory)
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
