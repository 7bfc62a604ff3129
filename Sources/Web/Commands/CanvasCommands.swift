import Domain
import Foundation
import Operations
import Vapor

/// `vendor-review canvas check` and `vendor-review canvas sync [--json]`.
struct CanvasCommands: AnyAsyncCommand {
    var help: String {
        "Reads the institution's Canvas (CANVAS_URL, CANVAS_TOKEN_FILE): `check` tests the connection and lists which parts of the sync the token may run; "
            + "`sync [--json]` reads developer keys, inherited keys, LTI registrations, external tools and user tokens, compares them with the records and stores the sync."
    }

    func outputHelp(using context: inout CommandContext) throws {
        context.console.output("Usage: vendor-review canvas check | vendor-review canvas sync [--json]", style: .plain, newLine: true)
        context.console.output(help, style: .plain, newLine: true)
    }

    func run(using context: inout CommandContext) async throws {
        var arguments = context.input.arguments[...]
        let verb = arguments.popFirst()
        let json = arguments.contains("--json")
        if let unknown = arguments.first(where: { $0 != "--json" }) { throw CommandFailure("unknown option \(unknown)") }
        let app = context.application
        let console = context.console
        switch verb {
        case "check":
            try await CommandSupport.ready(app)
            let check = try await run { try await app.operations.canvas.check() }
            console.output("Canvas \(check.address): account \(check.account.name) (\(check.account.id))", style: .plain, newLine: true)
            for part in check.parts {
                console.output("  \(part.skipReason == nil ? "can read " : "skipped  ") \(part.part.label)\(part.skipReason.map { " — \($0)" } ?? "")",
                               style: .plain, newLine: true)
            }
            console.output("Enforcement (CANVAS_ENFORCE) is \(check.enforce ? "on" : "off"); with it on, this token", style: .plain, newLine: true)
            for (action, missing) in check.actions {
                console.output("  \(missing == nil ? "can      " : "cannot   ") \(action.label.lowercased())\(missing.map { " — \($0)" } ?? "")", style: .plain, newLine: true)
            }
        case "sync":
            try await CommandSupport.ready(app)
            let (sync, findings) = try await run {
                try await app.operations.canvas.sync(by: .commandLine) { step in
                    // Progress goes to standard error, so --json output stays clean.
                    FileHandle.standardError.write(Data("canvas: \(step)…\n".utf8))
                }
            }
            if json {
                try CommandSupport.printJSON(CanvasJSON.result(sync, findings), to: console)
            } else {
                for line in CanvasSummary.lines(sync, findings) { console.output(line, style: .plain, newLine: true) }
            }
            try await CommandSupport.deliverMail(app)
            if sync.outcome == .failed { throw CommandFailure("the sync failed: \(sync.reason ?? "no reason given")") }
        case "--help", "-h":
            try outputHelp(using: &context)
        default:
            throw CommandFailure("use `vendor-review canvas check` or `vendor-review canvas sync [--json]`")
        }
    }

    /// Canvas errors and refusals become one plain line and exit 1, never a stack trace.
    private func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as CanvasError {
            throw CommandFailure(error.description)
        } catch let refusal as CanvasSyncRefusal {
            throw CommandFailure(refusal.description)
        }
    }
}

/// The plain-text summary `canvas sync` prints.
enum CanvasSummary {
    static func lines(_ sync: CanvasSync, _ findings: [CanvasFinding]) -> [String] {
        var lines = ["canvas: sync \(sync.outcome.rawValue) in \(sync.milliseconds) ms, \(sync.requests) requests to \(sync.canvasURL)"]
        if let snapshot = sync.snapshot {
            lines.append("read \(snapshot.keys.count) developer keys, \(snapshot.registrations.count) LTI registrations, \(snapshot.accounts.count + 1) accounts, \(snapshot.tools.count) tools, \(snapshot.tokens.count) user tokens")
            for gap in snapshot.gaps { lines.append("not read: \(gap)") }
        } else if let reason = sync.reason {
            lines.append(reason)
        }
        if let difference = sync.difference { lines.append("since \(Format.dateTime(difference.since)): \(difference.summary)") }
        for finding in findings.prefix(50) {
            lines.append("\(finding.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) \(finding.kind.rawValue): \(finding.objectName) — \(finding.canvasSays) Fix: \(finding.fix)")
        }
        if findings.count > 50 { lines.append("… and \(findings.count - 50) more (GET /api/v1/canvas/findings)") }
        lines.append("sync \(sync.id) stored")
        return lines
    }
}
