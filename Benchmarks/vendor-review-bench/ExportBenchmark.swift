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

/// Seeds `events` chained audit events into a temporary SQLite database (and, given a URL, an empty
/// PostgreSQL database), then times the auditor export and its verification on each, with peak memory
/// after each step and `wc -l` on the same file as the reference.
func exportBenchmark(events: Int, postgres: String?) async throws {
    try await exportBenchmark(events: events, databaseURL: nil)
    if let postgres { try await exportBenchmark(events: events, databaseURL: postgres) }
}

func exportBenchmark(events: Int, databaseURL: String?) async throws {
    let directory = NSTemporaryDirectory() + "vr-bench-\(UUID().uuidString)/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var env = ProcessInfo.processInfo.environment
    env["DATABASE_URL"] = databaseURL ?? "sqlite://\(directory)bench.sqlite"
    let engine = databaseURL == nil ? "SQLite" : "PostgreSQL"
    env["LOG_LEVEL"] = "error"
    env["SECRET_KEY_FILE"] = directory + "secret.key"
    try InstitutionKey.generate().fileText.write(toFile: directory + "secret.key", atomically: true, encoding: .utf8)
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
        let result = AuditorExports.verify(directory + "export/", publicKey: app.operations.exports.publicKey)
        let verifyTime = Date().timeIntervalSince(verifyStart)
        let afterVerify = peakMemoryMiB()
        let verdict: String
        switch result {
        case let .success(verified): verdict = "intact, signed by \(verified.signedBy ?? "nobody")"
        case let .failure(problem): verdict = "PROBLEM: \(problem.description)"
        }
        // The reference in the same run: the time `wc -l` takes to count the same file's lines.
        let wcStart = Date()
        let wc = Process()
        wc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        wc.arguments = ["wc", "-l", directory + "export/audit.jsonl"]
        wc.standardOutput = FileHandle.nullDevice
        try wc.run()
        wc.waitUntilExit()
        let wcTime = Date().timeIntervalSince(wcStart)
        let size = (try? FileManager.default.attributesOfItem(atPath: directory + "export/audit.jsonl")[.size] as? Int) ?? 0
        #if DEBUG
        let build = "debug build: numbers are not representative"
        #else
        let build = "release build"
        #endif
        print("VendorReview benchmark: auditor export of \(written) audit events (\(engine), \(build))")
        print(String(format: "  seeding (bulk, benchmark only): %.1f s", seedTime))
        print(String(format: "  export: %.1f s (%.0f events/s), %d files, audit.jsonl %.0f MiB; peak memory %.0f MiB (%.0f MiB before export)",
                     exportTime, Double(written) / exportTime, files, Double(size) / 1_048_576, afterExport, afterSeed))
        print(String(format: "  verify: %.2f s (%.0f lines/s); peak memory %.0f MiB; %@", verifyTime, Double(written) / verifyTime, afterVerify, verdict))
        print(String(format: "  reference, wc -l on the same audit.jsonl: %.3f s (%.0f lines/s)", wcTime, Double(written) / wcTime))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
