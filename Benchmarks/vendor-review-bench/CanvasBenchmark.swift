import CanvasAPI
import CanvasDouble
import Domain
import Foundation
import Logging
import Operations
import Persistence
import Vapor
import Web

/// A large institution against the Canvas double (its own process, answering at once): 2,000 developer
/// keys, 300 sub-accounts with 3,000 tools, 2,000 token holders with 10 tokens each. Prints the sync's
/// time, requests against the fewest pages possible, peak memory of both processes, the time of the
/// same number of bare requests (the reference), and the comparison of the objects read.
func canvasBenchmark(keys: Int, subAccounts: Int, tools: Int, users: Int, tokensPerUser: Int) async throws {
    let directory = NSTemporaryDirectory() + "vr-bench-canvas-\(UUID().uuidString)/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var scenario = CanvasScenario(token: "bench-token", account: .init(id: "10000000000001", name: "Bench University"))
    scenario.permissions = Dictionary(uniqueKeysWithValues: CanvasPart.permissions.map { ($0, true) })
    scenario.ltiRegistrations = []
    var generate = CanvasScenario.Generate()
    generate.developerKeys = keys
    generate.subAccounts = subAccounts
    generate.tools = tools
    generate.tokenUsers = users
    generate.tokensPerUser = tokensPerUser
    scenario.generate = generate
    guard let (double, config) = try startDouble(scenario, in: directory) else { return }
    defer { double.stop() }
    let settings = try requireValue(config.canvas)
    let app = try await Application.make(.production)
    app.logger.logLevel = .error
    do {
        try await configure(app, config: config)
        try await app.persistence.migrate()
        // The register knows the token holders (as a Canvas Data 2 import would leave them).
        let holders = (0..<users).map { RegisteredTokenFields(holder: "Canvas user \(5_000_000 + $0)", role: .staff, purpose: "import", createdOn: "2026-09-01") }
        _ = try await app.store.tokenRegister.add(holders, source: "bench", by: .commandLine, at: Date(), ids: { .init(UUID()) })
        let before = peakMemoryMiB()
        let started = Date()
        let (sync, findings) = try await app.operations.canvas.sync(by: .commandLine)
        let syncTime = Date().timeIntervalSince(started)
        let after = peakMemoryMiB()
        let doublePeak = residentPeakMiB(pid: double.process.processIdentifier)

        // The fewest pages possible at per_page=100: every listing's pages, plus account, permissions and the report's 4 steps.
        let accounts = subAccounts + 1
        let toolsPerAccount = Double(tools) / Double(accounts)
        let fewest = 2 + pages(keys) + 1 + 4 + 1 + pages(subAccounts) + accounts * max(1, Int((toolsPerAccount / 100).rounded(.up))) + users

        // Reference: the same number of bare requests (GET the account) through the same client.
        let client = CanvasClient(settings: settings, logger: Logger(label: "bench"))
        let referenceStart = Date()
        for _ in 0..<sync.requests { _ = try await client.get("/api/v1/accounts/self", query: []) }
        let referenceTime = Date().timeIntervalSince(referenceStart)
        await client.close()

        let snapshot = try requireValue(sync.snapshot)
        let records = try await app.operations.canvas.records()
        let compareStart = Date()
        var compared = 0
        for _ in 0..<10 { compared = CanvasComparison.findings(snapshot, records: records, policy: Policy(), now: Date()).count }
        let compareTime = Date().timeIntervalSince(compareStart) / 10
        var tenThousand = snapshot
        tenThousand.tokens = Array(snapshot.tokens.prefix(max(0, 10_000 - snapshot.keys.count - snapshot.tools.count)))
        let tenStart = Date()
        for _ in 0..<10 { _ = CanvasComparison.findings(tenThousand, records: records, policy: Policy(), now: Date()) }
        let tenTime = Date().timeIntervalSince(tenStart) / 10
        #if DEBUG
        let build = "debug build: numbers are not representative"
        #else
        let build = "release build"
        #endif
        print("VendorReview benchmark: Canvas sync against the double (\(build))")
        print("  Canvas: \(keys) developer keys, \(subAccounts) sub-accounts with \(tools) tools, \(users) users × \(tokensPerUser) tokens")
        print(String(format: "  sync: %@ in %.2f s, %d requests (fewest possible %d), %d objects read, %d findings", sync.outcome.rawValue, syncTime,
                     sync.requests, fewest, snapshot.objectCount, findings.count))
        print(String(format: "  reference: %d bare GET /api/v1/accounts/self through the same client: %.2f s (%.2f ms each); the sync costs %.2f× that",
                     sync.requests, referenceTime, referenceTime * 1000 / Double(max(1, sync.requests)), syncTime / max(0.001, referenceTime)))
        print(String(format: "  peak memory: app %.0f MiB (%.0f MiB before the sync), double %.0f MiB", after, before, doublePeak))
        print(String(format: "  comparison: %d objects in %.1f ms (%d findings); 10,000 objects in %.1f ms (target < 100 ms)",
                     snapshot.objectCount, compareTime * 1000, compared, tenThousand.objectCount, tenTime * 1000))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// The double (this build's `vendor-review canvas-double`, its own process) answering `scenario` at once,
/// and an app configuration on a fresh SQLite file connected to it; nil (and a hint) when the app is not built.
func startDouble(_ scenario: CanvasScenario, in directory: String, enforce: Bool = false) throws -> (DoubleProcess, AppConfig)? {
    var scenario = scenario
    var quirks = CanvasScenario.Quirks()
    quirks.rateLimitStart = 1e9  // answering at once: never slowed down
    scenario.quirks = quirks
    try scenario.write(to: directory + "scenario.json")
    let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vendor-review").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        print("build the app first: swift build -c release --product vendor-review (the double is \(binary))")
        return nil
    }
    let double = try DoubleProcess(binary: binary, scenario: directory + "scenario.json")
    var env = ProcessInfo.processInfo.environment
    env["DATABASE_URL"] = "sqlite://\(directory)bench.sqlite"
    env["LOG_LEVEL"] = "error"
    var config = try AppConfig.fromEnvironment(env)
    var settings = CanvasSettings(baseURL: double.url, token: scenario.token)
    settings.delayScale = 0
    settings.enforce = enforce
    config.canvas = settings
    config.canvasSyncIntervalMinutes = 0
    return (double, config)
}

private func pages(_ count: Int) -> Int { max(1, (count + 99) / 100) }

/// Peak resident memory (VmHWM) of another process, in MiB.
func residentPeakMiB(pid: Int32) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
    return kib / 1024
}

struct MissingSnapshot: Error {}

func requireValue<T>(_ value: T?) throws -> T {
    guard let value else { throw MissingSnapshot() }
    return value
}
