import Domain
import Foundation
import Operations
import Vapor

/// `export --out DIR [--as-of DATE]` writes an export; `export verify DIR` checks one. (A command
/// group cannot take options for its default command, so the first word decides here.)
struct ExportCommands: AnyAsyncCommand {
    var help: String {
        "Writes a signed auditor export (`export --out DIR [--as-of DATE]`), checks one (`export verify DIR --public-key KEY [--previous DIR]`), "
            + "or prints the signing key (`export public-key`)."
    }

    func run(using context: inout CommandContext) async throws {
        if context.input.arguments.first == "verify" {
            context.input.executablePath.append(context.input.arguments.removeFirst())
            try await ExportVerifyCommand().run(using: &context)
        } else if context.input.arguments.first == "public-key" {
            context.input.executablePath.append(context.input.arguments.removeFirst())
            try await ExportPublicKeyCommand().run(using: &context)
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

    var help: String { "Writes CSV and JSON records, the audit chain, documents and a signed SHA-256 manifest into --out." }

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
        @Option(name: "public-key", help: "The institution's public key (ed25519:…, from the export page or `export public-key`), or a file holding it. Refuses an unsigned export or one signed by another key.")
        var publicKey: String?
        @Option(name: "previous", help: "An earlier export of the same institution: this one's chain must extend that one's head.")
        var previous: String?
        init() {}
    }

    var help: String {
        "Re-checks an export's signature, manifest and audit chain; exit 1 naming the first problem. Needs no database. "
            + "Pass --public-key to pin the institution's key, --previous DIR to check it extends an earlier export."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        var key = signature.publicKey
        if let raw = key, ExportSignature.canonicalPublicKey(raw) == nil, FileManager.default.fileExists(atPath: raw) {
            guard let data = FileManager.default.contents(atPath: raw), data.count <= 4_096, let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure("--public-key: cannot read \(raw)")
            }
            key = text
        }
        switch AuditorExports.verify(signature.directory, publicKey: key, previous: signature.previous) {
        case let .failure(problem):
            throw CommandFailure("export NOT intact: \(problem.description)")
        case let .success(verified):
            let console = context.console
            console.print("export intact: every file matches the manifest and the audit chain verifies (\(verified.auditEvents) events, head \(verified.headHash))")
            if let signer = verified.signedBy {
                console.print(signature.publicKey == nil
                    ? "signed by \(signer) — NOT checked against the institution's key: pass --public-key to be sure who signed it"
                    : "signed by the institution's key \(signer)")
            } else {
                console.print("NOT signed (an export written before signing existed): its files agree with its manifest, but anyone could have written both")
            }
            if verified.checkpointsPassed > 0 { console.print("the chain passes through \(verified.checkpointsPassed) recorded head(s)") }
            if let earlier = verified.extends { console.print("it extends the earlier export (\(earlier.events) events, head \(earlier.head))") }
        }
    }
}

/// `export public-key` prints the key auditors pin with `export verify --public-key`.
struct ExportPublicKeyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Prints the public key exports are signed with (give it to auditors for `export verify --public-key`)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        context.console.print(context.application.operations.exports.publicKey)
    }
}
