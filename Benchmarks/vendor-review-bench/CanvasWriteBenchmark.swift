import CanvasAPI
import CanvasDouble
import Domain
import Foundation
import Logging
import Operations
import Persistence
import Vapor
import Web

/// Switch-offs against the Canvas double (its own process, answering at once) in an account with
/// `keys` developer keys: each write is recorded, claimed, read first, sent once, read back and
/// recorded. Canvas has no single-key read for account keys, so reading a key lists the account's keys;
/// the figures show what that costs at size. The reference is the same number of bare requests
/// through the same client, in the same run.
func canvasWriteBenchmark(keys: Int, writes: Int) async throws {
    let directory = NSTemporaryDirectory() + "vr-bench-writes-\(UUID().uuidString)/"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var scenario = CanvasScenario(token: "bench-token", account: .init(id: "10000000000001", name: "Bench University"))
    scenario.permissions = Dictionary((CanvasPart.permissions + CanvasWriteAction.allCases.map(\.permission)).map { ($0, true) }, uniquingKeysWith: { first, _ in first })
    var generate = CanvasScenario.Generate()
    generate.developerKeys = keys
    scenario.generate = generate
    guard let (double, config) = try startDouble(scenario, in: directory, enforce: true) else { return }
    defer { double.stop() }
    let settings = try requireValue(config.canvas)
    let app = try await Application.make(.production)
    app.logger.logLevel = .error
    do {
        try await configure(app, config: config)
        try await app.persistence.migrate()
        // Generated keys: every third is on (ids 10000000100000 + index).
        let targets = (0..<writes).map { String(10_000_000_100_000 + 3 * $0) }
        let started = Date()
        var done = 0
        for id in targets {
            let write = try await app.operations.enforcement.make(CanvasWriteTarget(action: .keyOff, objectID: id, name: "Bulk key \(id)"),
                                                                  reason: "benchmark", by: .commandLine)
            if write.state == .done { done += 1 }
        }
        let writeTime = Date().timeIntervalSince(started)
        let client = CanvasClient(settings: settings, logger: Logger(label: "bench"))
        let log = (try JSONSerialization.jsonObject(with: try await client.get("/__double/writes", query: [])) as? [Any])?.count ?? 0
        let listPages = max(1, (keys + 99) / 100)
        let requests = writes * (2 * listPages + 1)

        let referenceStart = Date()
        for _ in 0..<requests { _ = try await client.get("/api/v1/accounts/self", query: []) }
        let referenceTime = Date().timeIntervalSince(referenceStart)
        await client.close()
        #if DEBUG
        let build = "debug build: numbers are not representative"
        #else
        let build = "release build"
        #endif
        print("VendorReview benchmark: switch-offs in Canvas against the double (\(build))")
        print("  Canvas: \(keys) developer keys (\(listPages) pages of 100); \(writes) keys switched off, \(done) done and read back, \(log) changes sent")
        print(String(format: "  writes: %.2f s, %.1f ms each (%d requests each: the keys read before, the change, the keys read back)",
                     writeTime, writeTime * 1000 / Double(max(1, writes)), 2 * listPages + 1))
        print(String(format: "  reference: %d bare GET /api/v1/accounts/self through the same client: %.2f s; the writes cost %.2f× that",
                     requests, referenceTime, writeTime / max(0.001, referenceTime)))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
