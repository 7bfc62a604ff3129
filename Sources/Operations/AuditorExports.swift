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
        let recorded = try await store.audit.checkpoints()
        let (audit, events, head) = try await Self.writeAudit(store, root: root, checkpoints: recorded, progress: progress)
        files.append(audit)
        if let asOf { files.append(try await Self.writeAsOf(asOf, integrations, store, root: root)) }
        let manifest = ExportManifest(generatedAt: Format.iso(now), asOf: asOf.map(Format.iso), auditEvents: events, auditHeadHash: head,
                                      checkpoints: recorded.filter { $0.sequence <= events }.map(ExportManifest.Checkpoint.init),
                                      files: files.sorted { $0.path < $1.path })
        let manifestEncoder = JSONEncoder()
        manifestEncoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manifestBytes = try manifestEncoder.encode(manifest)
        try manifestBytes.write(to: URL(fileURLWithPath: root + ExportManifest.fileName))
        let signature = try ExportSignature.sign(manifestBytes, with: environment.institutionKey)
        try manifestEncoder.encode(signature).write(to: URL(fileURLWithPath: root + ExportSignature.fileName))
        if events > 0 { try await store.audit.record(AuditCheckpoint(sequence: events, hash: head, recordedAt: now, reason: .export)) }
        return manifest
    }

    /// Writes the head down unless it is already written down or a head was recorded in the last day; returns what it recorded.
    @discardableResult
    public func recordDailyCheckpoint() async throws -> AuditCheckpoint? {
        let store = environment.store
        let now = environment.now()
        let head = try await store.audit.head()
        guard head.sequence > 0 else { return nil }
        if let last = try await store.audit.checkpoints().last, last.sequence == head.sequence || now.timeIntervalSince(last.recordedAt) < 86_400 { return nil }
        let checkpoint = AuditCheckpoint(sequence: head.sequence, hash: head.hash, recordedAt: now, reason: .daily)
        try await store.audit.record(checkpoint)
        return checkpoint
    }

    /// The public half of the key exports are signed with, as auditors pass it to `export verify --public-key`.
    public var publicKey: String { environment.institutionKey.publicKeyText }

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

    /// The audit chain, streamed in batches so memory stays flat however long it is; with the count and
    /// head hash. The chain is checked as it is written, and it must pass through every head recorded
    /// before: an export of a rewritten or shortened chain is refused.
    private static func writeAudit(_ store: Store, root: String, checkpoints: [AuditCheckpoint],
                                   progress: (String) -> Void) async throws -> (ExportManifest.File, Int64, String) {
        let audit = try Sink(root: root, path: Self.auditFileName)
        let required = Dictionary(checkpoints.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        var verifier = AuditChain.Verifier()
        var after: Int64 = 0
        var reported: Int64 = 0
        var chunk: [UInt8] = []
        // The next batch is read while this one is checked and written, so the database and the
        // checking overlap; at most two batches are in memory.
        let batchSize = 10_000
        var next = Task { try await store.audit.events(after: 0, limit: batchSize) }
        defer { next.cancel() }
        while true {
            let batch = try await next.value
            guard let last = batch.last else { break }
            next = Task { try await store.audit.events(after: last.sequence, limit: batchSize) }
            if let problem = verifier.check(batch) {
                throw Problem(description: "refusing to export: the audit chain is broken, \(problem) (run `vendor-review audit verify`)")
            }
            chunk.removeAll(keepingCapacity: true)
            for event in batch {
                if let recorded = required[event.sequence], recorded.hash != event.hash {
                    throw Problem(description: "refusing to export: event \(event.sequence) is not the one recorded at the \(recorded.reason.rawValue) of \(Format.iso(recorded.recordedAt)) (the chain was rewritten from there on)")
                }
                AuditLineCodec.append(event, to: &chunk)
            }
            try audit.write(Data(chunk))
            after = last.sequence
            if after - reported >= 100_000 {
                progress("audit: \(after) events")
                reported = after
            }
        }
        if let beyond = checkpoints.last(where: { $0.sequence > after }) {
            throw Problem(description: "refusing to export: the chain ends at event \(after), but event \(beyond.sequence) was recorded at the \(beyond.reason.rawValue) of \(Format.iso(beyond.recordedAt)) (events were removed)")
        }
        progress("audit: \(after) events, head \(verifier.headHash)")
        return (try audit.close(), after, verifier.headHash)
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

    /// What `verify` found in an intact export.
    public struct Verified: Sendable {
        /// The key that signed it; nil for an unsigned (format 1) export.
        public let signedBy: String?
        public let auditEvents: Int64
        public let headHash: String
        public let checkpointsPassed: Int
        /// The earlier export this one was checked to extend.
        public let extends: (events: Int64, head: String)?
    }

    /// Re-checks every file against the manifest, the manifest against its signature, and the audit chain
    /// line by line, through every recorded head. With `publicKey`, an unsigned export or one signed by
    /// another key is refused; with `previous` (an earlier export), the chain must extend that one's head.
    public static func verify(_ directory: String, publicKey: String? = nil, previous: String? = nil) -> Result<Verified, Problem> {
        func problem(_ text: String) -> Result<Verified, Problem> { .failure(Problem(description: text)) }
        var expected: String?
        if let publicKey {
            guard let key = ExportSignature.canonicalPublicKey(publicKey) else {
                return problem("--public-key is not an Ed25519 public key (expected ed25519: and 44 base64 characters, as the export page shows it)")
            }
            expected = key
        }
        var earlier: (events: Int64, head: String)?
        if let previous {
            switch verifyManifest(previous, expected: expected) {
            case let .failure(failure): return problem("the earlier export \(previous): \(failure.description)")
            case let .success((manifest, _, _)): earlier = (manifest.auditEvents, manifest.auditHeadHash)
            }
        }
        let manifest: ExportManifest, signedBy: String?, root: String
        switch verifyManifest(directory, expected: expected) {
        case let .failure(failure): return .failure(failure)
        case let .success(found): (manifest, signedBy, root) = found
        }
        var listed: Set<String> = [ExportManifest.fileName, ExportSignature.fileName]
        var auditFile: ExportManifest.File?
        for file in manifest.files {
            listed.insert(file.path)
            if file.path.contains("..") || file.path.hasPrefix("/") { return problem("\(ExportManifest.fileName) names an unsafe path \(file.path)") }
            // The chain file is hashed as its lines are checked, below, so it is read once.
            if file.path == Self.auditFileName { auditFile = file; continue }
            guard let handle = FileHandle(forReadingAtPath: root + file.path) else { return problem("\(file.path) is missing") }
            var digest = StreamingDigest()
            while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { digest.update(chunk) }
            try? handle.close()
            if digest.bytes != file.bytes { return problem("\(file.path) has \(digest.bytes) bytes; the manifest says \(file.bytes)") }
            if digest.finish() != file.sha256 { return problem("\(file.path) does not match its SHA-256 in the manifest (it was changed)") }
        }
        if let enumerator = FileManager.default.enumerator(atPath: root) {
            for case let path as String in enumerator {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: root + path, isDirectory: &isDirectory)
                if !isDirectory.boolValue && !listed.contains(path) { return problem("\(path) is not in the manifest (a file was added)") }
            }
        }
        // The chain, line by line, through the heads the manifest records and the earlier export's head.
        var required: [Int64: String] = [:]
        for checkpoint in manifest.checkpoints ?? [] { required[checkpoint.sequence] = checkpoint.hash }
        if let earlier, earlier.events > 0 {
            if let other = required[earlier.events], other != earlier.head {
                return problem("the earlier export ends in event \(earlier.events) with head \(earlier.head), but this one records \(other) there")
            }
            required[earlier.events] = earlier.head
        }
        var verifier = AuditLineCodec.Verifier(mustPassThrough: required)
        var digest = StreamingDigest()
        let failure = readLines(root + Self.auditFileName, digest: &digest) { line, number in
            verifier.check(line).map { "\(Self.auditFileName) line \(number): \($0)" }
        }
        // A file that differs from its manifest entry says so first, as every other file does.
        if let auditFile, failure != "\(Self.auditFileName) is missing" {
            if digest.bytes != auditFile.bytes { return problem("\(auditFile.path) has \(digest.bytes) bytes; the manifest says \(auditFile.bytes)") }
            if digest.finish() != auditFile.sha256 { return problem("\(auditFile.path) does not match its SHA-256 in the manifest (it was changed)") }
        }
        if let failure { return problem(failure) }
        if verifier.checked != manifest.auditEvents || verifier.head != manifest.auditHeadHash {
            return problem("the audit chain ends after \(verifier.checked) events with head \(verifier.head), but the manifest records \(manifest.auditEvents) events ending in \(manifest.auditHeadHash)")
        }
        if let beyond = required.keys.filter({ $0 > verifier.checked }).max() {
            return problem("the audit chain ends at event \(verifier.checked), but event \(beyond) was recorded before (events were removed)")
        }
        return .success(Verified(signedBy: signedBy, auditEvents: verifier.checked, headHash: verifier.head,
                                 checkpointsPassed: required.count, extends: earlier))
    }

    /// Reads and checks `manifest.json` against `manifest.sig`; returns the manifest, the signer and the root.
    private static func verifyManifest(_ directory: String, expected: String?) -> Result<(ExportManifest, String?, String), Problem> {
        func problem(_ text: String) -> Result<(ExportManifest, String?, String), Problem> { .failure(Problem(description: text)) }
        let root = directory.hasSuffix("/") ? directory : directory + "/"
        guard let data = FileManager.default.contents(atPath: root + ExportManifest.fileName),
              let manifest = try? JSONDecoder().decode(ExportManifest.self, from: data) else {
            return problem("\(ExportManifest.fileName) is missing or unreadable")
        }
        guard ExportManifest.readableFormats.contains(manifest.format) else { return problem("\(ExportManifest.fileName): unknown format \(manifest.format)") }
        guard let signatureData = FileManager.default.contents(atPath: root + ExportSignature.fileName) else {
            if expected != nil { return problem("the export is not signed (\(ExportSignature.fileName) is missing), so anyone could have written it") }
            if manifest.format != "vendor-review-export/1" { return problem("\(ExportSignature.fileName) is missing (this format is always signed)") }
            return .success((manifest, nil, root))
        }
        guard let signature = try? JSONDecoder().decode(ExportSignature.self, from: signatureData) else { return problem("\(ExportSignature.fileName) is unreadable") }
        if let failure = signature.check(data, expected: expected) {
            return problem(failure.description)
        }
        return .success((manifest, signature.publicKey, root))
    }

    static let auditFileName = "audit.jsonl"

    /// Calls `check` with each line of a file (without its newline) and its number; stops checking at
    /// the first problem but hashes the whole file into `digest`. Lines are read in 1 MiB blocks; a
    /// line longer than 16 MiB is refused.
    private static func readLines(_ path: String, digest: inout StreamingDigest, _ check: (UnsafeRawBufferPointer, Int) -> String?) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "\(auditFileName) is missing" }
        defer { try? handle.close() }
        var carry: [UInt8] = []
        var number = 0
        var failure: String?
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            digest.update(chunk)
            if failure != nil { continue }
            failure = chunk.withUnsafeBytes { block -> String? in
                guard let base = block.baseAddress else { return nil }
                var start = 0
                while start < block.count, let hit = memchr(base + start, 0x0A, block.count - start) {
                    let newline = base.distance(to: UnsafeRawPointer(hit))
                    number += 1
                    let result: String?
                    if carry.isEmpty {
                        result = check(UnsafeRawBufferPointer(rebasing: block[start..<newline]), number)
                    } else {
                        carry.append(contentsOf: block[start..<newline])
                        result = carry.withUnsafeBytes { check($0, number) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    if let result { return result }
                    start = newline + 1
                }
                carry.append(contentsOf: block[start...])
                return carry.count > 16 << 20 ? "\(auditFileName) line \(number + 1) is longer than 16 MiB" : nil
            }
        }
        if failure == nil, !carry.isEmpty {
            number += 1
            failure = carry.withUnsafeBytes { check($0, number) }
        }
        return failure
    }
}
