import CanvasDouble
import Domain
import Foundation
import Operations
import Vapor

/// `serve`: Vapor's server, after making sure the database is ready (and loading demo data on request).
struct ServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Address to listen on (default 127.0.0.1).")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (default 8080).")
        var port: Int?
        @Flag(name: "demo", help: "Load a demo institution and demo accounts (once), and print the logins.")
        var demo: Bool
        init() {}
    }

    let vaporServe: any AnyAsyncCommand
    var help: String { "Serves the web app and the JSON API. On SQLite it applies migrations by itself." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if app.context.config.canvasEnforce, app.context.canvas.current == nil, !signature.demo {
            throw CommandFailure("CANVAS_ENFORCE=on needs a Canvas: set CANVAS_URL and CANVAS_TOKEN_FILE (or try it with serve --demo).")
        }
        try await CommandSupport.ready(app)
        let host = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        var demoCanvas: DoubleProcess?
        if signature.demo {
            let summary = try await DemoData.load(app)
            demoCanvas = try DemoCanvas.start(app)
            if demoCanvas != nil, try await app.operations.canvas.latest() == nil {
                _ = try await app.operations.canvas.sync(by: Actor(userID: nil, label: "demo loader"))
            }
            context.console.print(summary.describe(url: "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/"))
            if let address = app.operations.canvas.address, demoCanvas != nil { context.console.print("Demo Canvas (a test double) at \(address)\n") }
        }
        defer { demoCanvas?.stop() }
        // A write to Canvas an earlier run left half-done is settled by reading Canvas back, never by writing again.
        if app.operations.enforcement.isOn {
            let repaired = await app.operations.enforcement.repair()
            if repaired > 0 { app.logger.notice("canvas writes repaired after a restart", metadata: ["count": .string(String(repaired))]) }
        }
        // Mail leaves through the outbox: this worker delivers it, outside any request or transaction.
        let delivery = app.operations.mail, signal = app.context.mailSignal, poll = Double(app.context.config.mailPollSeconds)
        let mailWorker = Task { await delivery.run(pollSeconds: poll, signal: signal) }
        defer { mailWorker.cancel() }
        // Uploaded request logs are scanned by this worker, one at a time, on a thread of its own.
        let driftJobs = app.operations.driftJobs
        let scanWorker = Task { await driftJobs.run(pollSeconds: 5) }
        defer { scanWorker.cancel() }
        let reminders = ReminderScheduler.start(app, everyMinutes: app.context.config.reminderIntervalMinutes)
        defer { reminders?.cancel() }
        let housekeeping = Housekeeping.start(app)
        defer { housekeeping.cancel() }
        // The first scheduled sync waits one interval when the demo has just synced.
        let canvasSync = CanvasSyncScheduler.start(app, everyMinutes: app.context.config.canvasSyncIntervalMinutes,
                                                   firstAfterSeconds: demoCanvas != nil ? Double(app.context.config.canvasSyncIntervalMinutes * 60) : 5)
        defer { canvasSync?.cancel() }
        var forwarded = context
        forwarded.input = CommandInput(arguments: ["vendor-review serve", "--hostname", host, "--port", String(port)])
        try await vaporServe.run(using: &forwarded)
        // Vapor's serve returns once the server has started; wait here until it stops, so the timers
        // and the demo Canvas above live as long as the server (the defers run at shutdown).
        try await app.running?.onStop.get()
    }
}
