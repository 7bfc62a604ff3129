import Foundation
import Vapor

/// A Canvas that answers on loopback the way Canvas answers on the wire, for tests, benchmarks and the
/// demo: Bearer tokens (401 with `WWW-Authenticate: Bearer realm="canvas-lms"`), Link pagination with
/// opaque bookmarks (`per_page` default 10, at most 100), `X-Rate-Limit-Remaining` and `X-Request-Cost`,
/// throttling as 429 or the older `403 Forbidden (Rate Limit Exceeded)`, 404 for root-only endpoints on
/// a sub-account, newline-joined `redirect_uris`, inherited keys without scopes, `{total, data}` for LTI
/// registrations, account reports that run and then complete, binding and token changes (logged at
/// `/__double/writes`, which only the double has), and faults a scenario asks for.
public enum CanvasDouble {
    /// `vendor-review canvas-double --scenario FILE [--port N]`: serves until SIGTERM or SIGINT and prints
    /// `canvas-double listening on http://127.0.0.1:PORT` once bound (port 0 picks a free one).
    public static func main(arguments: [String]) async -> Int32 {
        var scenarioPath: String?
        var port = 0
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--scenario" where index + 1 < arguments.count: scenarioPath = arguments[index + 1]; index += 1
            case "--port" where index + 1 < arguments.count:
                guard let value = Int(arguments[index + 1]), (0...65535).contains(value) else { return fail("--port takes 0…65535") }
                port = value
                index += 1
            default: return fail("usage: vendor-review canvas-double --scenario FILE [--port N]")
            }
            index += 1
        }
        guard let scenarioPath else { return fail("usage: vendor-review canvas-double --scenario FILE [--port N]") }
        let scenario: CanvasScenario
        do { scenario = try CanvasScenario.load(scenarioPath) } catch { return fail("cannot read the scenario \(scenarioPath): \(error)") }
        do {
            let app = try await Application.make(Environment(name: "production", arguments: ["canvas-double"]))
            app.logger.logLevel = .warning
            let state = DoubleState(scenario: scenario)
            install(on: app, state: state)
            app.http.server.configuration.hostname = "127.0.0.1"
            app.http.server.configuration.port = port
            try await app.server.start()
            let bound = app.http.server.shared.localAddress?.port ?? port
            state.setOrigin("http://127.0.0.1:\(bound)")
            FileHandle.standardOutput.write(Data("canvas-double listening on http://127.0.0.1:\(bound)\n".utf8))
            await waitForSignal()
            await app.server.shutdown()
            try await app.asyncShutdown()
            return 0
        } catch {
            return fail("cannot serve: \(error)")
        }
    }

    static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("canvas-double: \(message)\n".utf8))
        return 2
    }

    static func waitForSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for number in [SIGTERM, SIGINT] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                once.keep(source)
            }
        }
    }

    /// Routes every request through one dispatcher, as Canvas's own router would answer it.
    public static func install(on app: Application, state: DoubleState) {
        app.routes.defaultMaxBodySize = "64kb"
        for method in [HTTPMethod.GET, .POST, .PUT, .DELETE] {
            app.on(method, "**") { req async throws -> Response in
                if req.url.path.hasPrefix("/files/") { return state.file(req) }
                if req.url.path == "/__double/writes" { return state.writes() }
                return try await state.answer(req)
            }
        }
    }
}

/// Keeps a signal source alive and resumes the continuation once.
final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    private var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func keep(_ source: any DispatchSourceSignal) {
        lock.lock()
        sources.append(source)
        lock.unlock()
    }

    func resume() {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume()
    }
}
