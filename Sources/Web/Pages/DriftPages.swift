import Domain
import Vapor

struct DriftIndexContext: Encodable {
    struct Row: Encodable {
        let url: String
        let when: String
        let by: String
        let files: String
        let rows: String
        let malformed: String
        let outOfScope: String
        let findings: Int
    }
    let layout: LayoutContext
    /// Uploads still being scanned, and recently refused ones.
    let jobs: [DriftJobContext.Row]?
    let scans: [Row]?
    let canUpload: Bool
    let uploadURL: String
    let maxUploadMB: Int
    let error: String?
}

/// A background scan's page: its progress while it runs (the page reloads itself), or why it failed.
struct DriftJobContext: Encodable {
    struct Row: Encodable {
        let url: String
        let fileName: String
        let size: String
        let state: String
        let stateText: String
        let percent: Int
        let when: String
        let by: String
        let rows: String
        let problem: String?
        let failed: Bool

        init(_ job: DriftJob) {
            url = SiteURL.driftJob(job.id).path
            fileName = job.fileName
            size = DocumentCheck.megabytes(Int(job.byteCount))
            state = job.state.rawValue
            stateText = switch job.state {
            case .queued: "Waiting for the scanner"
            case .scanning: "Scanning: \(job.percentDone)% read"
            case .done: "Scanned"
            case .failed: "Refused"
            }
            percent = job.percentDone
            when = Format.dateTime(job.createdAt)
            by = job.createdBy.label
            rows = job.rowsScanned.formatted()
            problem = job.problem
            failed = job.state == .failed
        }
    }

    var layout: LayoutContext
    let job: Row
    let read: String
    let running: Bool
    let scanGone: Bool
    let driftURL: String

    init(_ req: Request, _ job: DriftJob, scanGone: Bool = false) {
        layout = LayoutContext(req, title: "Scanning \(job.fileName)")
        self.job = Row(job)
        read = DocumentCheck.megabytes(Int(job.bytesScanned))
        running = !job.isFinished
        if running { layout.refreshSeconds = 1 }
        self.scanGone = scanGone
        driftURL = SiteURL.drift.path
    }
}

/// One finding as pages show it (the scan page, the integration page, the hygiene report).
struct DriftFindingRow: Encodable {
    let kind: String
    let kindKey: String
    let method: String
    let endpoint: String
    let inCatalog: Bool
    let count: String
    let firstSeen: String
    let lastSeen: String
    let userAgents: String
    let samplePath: String

    init(_ f: DriftFinding) {
        kind = f.kind.label
        kindKey = f.kind.rawValue
        method = f.method
        endpoint = f.endpoint
        inCatalog = f.inCatalog
        count = f.count.formatted()
        firstSeen = f.firstSeen
        lastSeen = f.lastSeen
        userAgents = f.sampleUserAgents.joined(separator: " · ")
        samplePath = f.samplePath
    }
}

struct DriftScanContext: Encodable {
    struct IntegrationRow: Encodable {
        let name: String
        let url: String
        let requests: String
        let inScope: String
        let outOfScope: String
        let includeFlagged: String
        let notAPI: String
        let findings: [DriftFindingRow]?
    }
    struct KeyRow: Encodable {
        let keyID: String
        let count: String
        let seen: String
        let userAgents: String
    }
    struct IdleRow: Encodable {
        let keyID: String
        let name: String
        let url: String
    }
    struct Fact: Encodable {
        let label: String
        let value: String
    }
    let layout: LayoutContext
    let facts: [Fact]
    let integrations: [IntegrationRow]?
    let quiet: Int
    let unknownKeys: [KeyRow]?
    let unknownKeysNotListed: Int
    let idleKeys: [IdleRow]?
    let malformed: [Fact]?
    let malformedMore: Int
    let jsonURL: String
    /// Set when the findings list stopped at the cap.
    let findingsCut: String?

    init(_ req: Request, _ scan: DriftScan) {
        let r = scan.report
        layout = LayoutContext(req, title: "Drift scan of \(Format.dateTime(scan.createdAt))")
        facts = [
            .init(label: "Run", value: "\(Format.dateTime(scan.createdAt)) by \(scan.createdBy)"),
            .init(label: "Files", value: scan.files.joined(separator: ", ")),
            .init(label: "Log covers", value: r.firstSeen.map { "\($0) – \(r.lastSeen ?? $0)" } ?? "no timestamps"),
            .init(label: "Rows", value: "\(r.rows.formatted()) (\(r.malformed.formatted()) malformed, \(r.ignored.formatted()) OPTIONS or other methods)"),
            .init(label: "Attributed to integrations", value: "\(r.attributed.formatted()); \(r.unattributed.formatted()) not ours (people, other tools); \(r.otherKnownKeyRequests.formatted()) with inherited keys"),
            .init(label: "Out of scope", value: "\(r.outOfScopeTotal.formatted()) requests" + (r.findingsNotListed > 0 ? " (\(r.findingsNotListed) beyond the listed findings)" : "")),
        ]
        let active = r.integrations.filter { $0.requests > 0 || !$0.findings.isEmpty }
        integrations = active.map { i in
            IntegrationRow(name: i.name, url: Identifier<Integration>(string: i.integrationID).map { SiteURL.integration($0).path } ?? "#",
                           requests: i.requests.formatted(), inScope: i.inScope.formatted(), outOfScope: i.outOfScope.formatted(),
                           includeFlagged: i.includeFlagged.formatted(), notAPI: i.notAPI.formatted(), findings: i.findings.map(DriftFindingRow.init).nonEmpty)
        }.nonEmpty
        quiet = r.integrations.count - active.count
        unknownKeys = r.unknownKeys.map { KeyRow(keyID: $0.keyID, count: $0.count.formatted(), seen: "\($0.firstSeen) – \($0.lastSeen)",
                                                 userAgents: $0.sampleUserAgents.joined(separator: " · ")) }.nonEmpty
        unknownKeysNotListed = r.unknownKeysNotListed
        idleKeys = r.idleKeys.map { IdleRow(keyID: $0.keyID, name: $0.name,
                                            url: Identifier<Integration>(string: $0.integrationID).map { SiteURL.integration($0).path } ?? "#") }.nonEmpty
        malformed = r.malformedSamples.map { Fact(label: ($0.file.isEmpty ? "" : $0.file + ", ") + "line \($0.line)", value: $0.reason) }.nonEmpty
        malformedMore = r.malformed - r.malformedSamples.count
        jsonURL = "/api/v1/drift/scans/\(scan.id)"
        findingsCut = r.findingsCutNotice
    }
}
