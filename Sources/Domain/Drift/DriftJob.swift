import Foundation

/// An uploaded request log on its way through a scan in the background: stored when it arrives,
/// claimed by one instance's scan worker (a lease, renewed as it goes), and done (with its scan) or
/// failed (with the reason the log was refused). The uploaded bytes are kept only until then.
public struct DriftJob: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<DriftJob>

    public enum State: String, Sendable, CaseIterable {
        case queued, scanning, done, failed
    }

    public let id: ID
    public let fileName: String
    /// The upload's size as it arrived (compressed, for a gzip file).
    public let byteCount: Int64
    public var state: State
    /// How much of the upload the scan has read, and the rows it found so far.
    public var bytesScanned: Int64
    public var rowsScanned: Int
    public var scanID: DriftScan.ID?
    /// Why the log was refused or the scan could not finish.
    public var problem: String?
    public let createdBy: Actor
    public let createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var attempts: Int

    /// A scan interrupted this many times (its instance stopped) is failed rather than tried again.
    public static let maxAttempts = 3
    /// A worker renews its claim this often; a claim older than `leaseSeconds` is presumed dead.
    public static let leaseSeconds: Double = 60

    public init(id: ID, fileName: String, byteCount: Int64, state: State = .queued, bytesScanned: Int64 = 0, rowsScanned: Int = 0,
                scanID: DriftScan.ID? = nil, problem: String? = nil, createdBy: Actor, createdAt: Date, startedAt: Date? = nil,
                finishedAt: Date? = nil, attempts: Int = 0) {
        self.id = id
        self.fileName = fileName
        self.byteCount = byteCount
        self.state = state
        self.bytesScanned = bytesScanned
        self.rowsScanned = rowsScanned
        self.scanID = scanID
        self.problem = problem
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.attempts = attempts
    }

    public var isFinished: Bool { state == .done || state == .failed }

    /// How far the scan has read, 0–100; 100 only once it is done.
    public var percentDone: Int {
        if state == .done { return 100 }
        guard byteCount > 0, state == .scanning else { return 0 }
        return Int(min(99, bytesScanned * 100 / byteCount))
    }

    /// What the interrupted-too-often job says.
    public static let interruptedProblem = "The scan was interrupted \(maxAttempts) times (the server stopped while scanning). Upload the log again, or scan it with `vendor-review drift FILE`."
}

/// The scan worker's side of the drift jobs, and the pages' reads.
public protocol DriftJobRepository: Sendable {
    /// Stores a new job and its upload.
    func enqueue(_ job: DriftJob, upload: [UInt8]) async throws
    /// Claims the oldest queued job (or one whose worker's lease ran out) for `holder`, atomically, so
    /// two instances never scan the same upload; returns it with its bytes. Jobs interrupted
    /// `DriftJob.maxAttempts` times are failed instead.
    func claim(holder: String, now: Date, leaseUntil: Date) async throws -> (DriftJob, [UInt8])?
    /// How far `holder`'s scan got; renews its lease. False when the job is no longer its own.
    func progress(_ id: DriftJob.ID, holder: String, bytesScanned: Int64, rows: Int, leaseUntil: Date) async throws -> Bool
    /// The log was refused (or the scan could not finish): failed with `problem`, its upload forgotten.
    func fail(_ id: DriftJob.ID, holder: String, problem: String, at now: Date) async throws
    func find(_ id: DriftJob.ID) async throws -> DriftJob?
    /// Jobs in `states`, newest first.
    func list(states: [DriftJob.State], limit: Int) async throws -> [DriftJob]
    /// Finished jobs older than `before` are forgotten; returns how many.
    func deleteFinished(before: Date) async throws -> Int
}
