import Domain
import Foundation
import Logging

/// Uploaded request logs scanned in the background. An upload is checked at once for what its first
/// bytes can tell (empty, no such column, not gzip), stored as a job, and scanned by a worker on a
/// thread of its own — one scan at a time per instance — so neither the event loops, the database
/// pools nor the cooperative pool ever wait behind a scan. The job records its progress as it goes;
/// the scan and the job's end are stored in one transaction.
public struct DriftJobs: Sendable {
    private let environment: OperationEnvironment
    private let drift: DriftScans
    /// Wakes this instance's scan worker when a job is stored.
    public let signal: WakeSignal
    /// The scan worker's own thread: scans never run on the event loops or the cooperative pool.
    private static let scanQueue = DispatchQueue(label: "vendor-review.drift-scans", qos: .utility)
    /// How often a running scan's progress (and its lease) is written.
    static let progressSeconds: Double = 1

    init(_ environment: OperationEnvironment, drift: DriftScans) {
        self.environment = environment
        self.drift = drift
        signal = WakeSignal()
    }

    /// Stores an upload as a job; a log whose first bytes already show it cannot be scanned is a
    /// validation error naming the problem, and nothing is stored.
    public func submit(upload bytes: [UInt8], named name: String, by actor: Actor) async throws -> DriftJob {
        guard !bytes.isEmpty else { throw DomainError.validation(ValidationErrors(["file": "This log cannot be scanned: the log is empty."])) }
        do {
            try LogFile.check(bytes, named: name, setup: DriftSetup(targets: [], catalog: []))
        } catch let failure as LogFile.Failure {
            throw DomainError.validation(ValidationErrors(["file": "This log cannot be scanned: \(failure.problem)."]))
        }
        let job = DriftJob(id: environment.ids(), fileName: name, byteCount: Int64(bytes.count), createdBy: actor, createdAt: environment.now())
        try await environment.store.drift.jobs.enqueue(job, upload: bytes)
        environment.logger.info("drift scan queued", metadata: ["job": .string(job.id.description), "bytes": .string(String(bytes.count))])
        signal.wake()
        return job
    }

    public func find(_ id: DriftJob.ID) async throws -> DriftJob? { try await environment.store.drift.jobs.find(id) }

    /// Queued and running jobs, and those that failed in the last day, newest first.
    public func recent(limit: Int = 20) async throws -> [DriftJob] {
        let since = environment.now().addingTimeInterval(-86_400)
        return try await environment.store.drift.jobs.list(states: [.queued, .scanning, .failed], limit: limit)
            .filter { $0.state != .failed || ($0.finishedAt ?? .distantPast) > since }
    }

    /// Scans every claimable job, one after another; returns how many it finished (done or failed).
    @discardableResult
    public func runDue(holder: String = UUID().uuidString) async throws -> Int {
        var finished = 0
        while !Task.isCancelled {
            let now = environment.now()
            guard let (job, bytes) = try await environment.store.drift.jobs.claim(holder: holder, now: now, leaseUntil: now.addingTimeInterval(DriftJob.leaseSeconds))
            else { break }
            await scan(job, bytes, holder: holder)
            finished += 1
        }
        return finished
    }

    /// Runs until cancelled: at once when woken, otherwise every `pollSeconds` (jobs other instances
    /// stored, and ones whose worker died). Finished jobs older than a week are forgotten once a day.
    public func run(pollSeconds: Double) async {
        let holder = UUID().uuidString
        var lastSweep = Date.distantPast
        while !Task.isCancelled {
            do {
                try await runDue(holder: holder)
                let now = environment.now()
                if now.timeIntervalSince(lastSweep) > 86_400 {
                    lastSweep = now
                    _ = try await environment.store.drift.jobs.deleteFinished(before: now.addingTimeInterval(-7 * 86_400))
                }
            } catch is CancellationError {
                return
            } catch {
                environment.logger.error("drift scan worker failed", metadata: ["error": .string(String(describing: type(of: error)))])
            }
            await signal.wait(seconds: pollSeconds)
        }
    }

    private func scan(_ job: DriftJob, _ bytes: [UInt8], holder: String) async {
        let store = environment.store, logger = environment.logger
        let seen = ScanProgress()
        // The progress writer: every second, how far the scan got, which also renews the claim.
        let writer = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(Self.progressSeconds * 1_000_000_000))
                guard !Task.isCancelled else { return }
                let (read, rows) = seen.value
                _ = try? await store.drift.jobs.progress(job.id, holder: holder, bytesScanned: read, rows: rows,
                                                         leaseUntil: environment.now().addingTimeInterval(DriftJob.leaseSeconds))
            }
        }
        defer { writer.cancel() }
        do {
            let setup = try await drift.setup()
            let limit = environment.policy.inflateLimit, name = job.fileName
            let report = try await Self.onScanQueue {
                try DriftScans.scan(upload: bytes, named: name, setup: setup, limit: limit) { seen.update($0.bytesRead, $0.rows) }
            }
            writer.cancel()
            let scan = try await drift.record(report, files: [name], by: job.createdBy, job: job.id)
            logger.info("drift scan done", metadata: ["job": .string(job.id.description), "scan": .string(scan.id.description), "rows": .string(String(report.rows))])
        } catch let failure as LogFile.Failure {
            writer.cancel()
            try? await store.drift.jobs.fail(job.id, holder: holder, problem: "This log cannot be scanned: \(failure.problem).", at: environment.now())
            logger.notice("drift scan refused a log", metadata: ["job": .string(job.id.description)])
        } catch {
            writer.cancel()
            logger.error("drift scan failed", metadata: ["job": .string(job.id.description), "error": .string(String(describing: type(of: error)))])
            try? await store.drift.jobs.fail(job.id, holder: holder, problem: "The scan could not be stored; upload the log again.", at: environment.now())
        }
    }

    private static func onScanQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            scanQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}

/// The running scan's latest progress, written by the scan's thread and read by the progress writer.
private final class ScanProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var read: Int64 = 0
    private var rows = 0

    func update(_ read: Int64, _ rows: Int) { lock.withLock { (self.read, self.rows) = (read, rows) } }
    var value: (Int64, Int) { lock.withLock { (read, rows) } }
}
