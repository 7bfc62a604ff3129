import Domain
import Foundation
import Operations
import Persistence
import Vapor
import Web

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

/// Seeds `events` chained audit events into a temporary SQLite database, then times the auditor
/// export and its verification, with peak memory after each step.
func exportBenchmark(events: Int) async throws {
    let directory = NSTemporaryDirectory() + "vr-bench-\(UUID().uuidString)/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var env = ProcessInfo.processInfo.environment
    env["DATABASE_URL"] = "sqlite://\(directory)bench.sqlite"
    env["LOG_LEVEL"] = "error"
    let config = try AppConfig.fromEnvironment(env)
    let app = try await Application.make(.production)
    app.logger.logLevel = .error
    do {
        try await configure(app, config: config)
        try await app.persistence.migrate()
        let seedStart = Date()
        try await BenchmarkSeeding.appendAuditEvents(app.persistence, count: events)
        let seedTime = Date().timeIntervalSince(seedStart)
        let afterSeed = peakMemoryMiB()
        let exportStart = Date()
        let manifest = try await app.operations.exports.write(to: directory + "export/", asOf: nil)
        let (files, written) = (manifest.files.count, manifest.auditEvents)
        let exportTime = Date().timeIntervalSince(exportStart)
        let afterExport = peakMemoryMiB()
        let verifyStart = Date()
        let problem = AuditorExports.verify(directory + "export/")
        let verifyTime = Date().timeIntervalSince(verifyStart)
        let afterVerify = peakMemoryMiB()
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "export/audit.jsonl")[.size] as? Int) ?? 0
        #if DEBUG
        let build = "debug build: numbers are not representative"
        #else
        let build = "release build"
        #endif
        print("VendorReview benchmark: auditor export of \(written) audit events (SQLite, \(build))")
        print(String(format: "  seeding (bulk, benchmark only): %.1f s", seedTime))
        print(String(format: "  export: %.1f s (%.0f events/s), %d files, audit.jsonl %.0f MiB; peak memory %.0f MiB (%.0f MiB before export)",
                     exportTime, Double(written) / exportTime, files, Double(size) / 1_048_576, afterExport, afterSeed))
        print(String(format: "  verify: %.1f s (%.0f events/s); peak memory %.0f MiB; %@", verifyTime, Double(written) / verifyTime, afterVerify,
                     problem.map { "PROBLEM: \($0)" } ?? "intact"))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
