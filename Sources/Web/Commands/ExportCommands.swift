import Domain
import Foundation
import Operations
import Vapor

/// `export --out DIR [--as-of DATE]` writes an export; `export verify DIR` checks one. (A command
/// group cannot take options for its default command, so the first word decides here.)
struct ExportCommands: AnyAsyncCommand {
    var help: String { "Writes an auditor export (`export --out DIR [--as-of DATE]`), or checks one (`export verify DIR`)." }

    func run(using context: inout CommandContext) async throws {
        if context.input.arguments.first == "verify" {
            context.input.executablePath.append(context.input.arguments.removeFirst())
            try await ExportVerifyCommand().run(using: &context)
        } else {
            try await ExportCommand().run(using: &context)
        }
    }

    func outputHelp(using context: inout CommandContext) throws {
        context.console.output(help, style: .plain, newLine: true)
        try ExportCommand().outputHelp(using: &context)
    }
}

struct ExportCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", help: "A new or empty directory to write the export into.")
        var out: String?
        @Option(name: "as-of", help: "Also reconstruct what was approved and released at this moment (2026-09-01 or 2026-09-01T12:00:00Z).")
        var asOf: String?
        init() {}
    }

    var help: String { "Writes CSV and JSON records, the audit chain, documents and a SHA-256 manifest into --out." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let out = signature.out, !out.isEmpty else { throw CommandFailure("say where to write the export: --out DIR") }
        var moment: Date?
        if let raw = signature.asOf {
            guard let parsed = ExportCommand.moment(raw) else { throw CommandFailure("--as-of must be a date such as 2026-09-01 or 2026-09-01T12:00:00Z") }
            moment = parsed
        }
        let app = context.application
        try await CommandSupport.ready(app)
        let console = context.console
        do {
            let manifest = try await app.operations.exports.write(to: out, asOf: moment) { line in console.output("export: \(line)", style: .plain, newLine: true) }
            console.print("export written to \(out): \(manifest.files.count) files, \(manifest.auditEvents) audit events, head \(manifest.auditHeadHash)")
        } catch let problem as AuditorExports.Problem {
            throw CommandFailure(problem.description)
        }
    }

    /// A calendar day means the end of that day (UTC); a full timestamp is taken as given.
    static func moment(_ raw: String) -> Date? {
        if CalendarDay.isValid(raw) {
            let formatter = ISO8601DateFormatter()
            return formatter.date(from: raw + "T23:59:59Z")
        }
        return ISO8601DateFormatter().date(from: raw)
    }
}

struct ExportVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "The export directory to check.")
        var directory: String
        init() {}
    }

    var help: String { "Re-checks an export's manifest and audit chain; exit 1 naming the first problem. Needs no database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let problem = AuditorExports.verify(signature.directory) { throw CommandFailure("export NOT intact: \(problem)") }
        context.console.print("export intact: every file matches the manifest and the audit chain verifies")
    }
}
