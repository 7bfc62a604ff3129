import Domain
import Foundation
import Operations
import Persistence
import Vapor

/// A command that failed for a reason the person can act on. `main` prints it and exits 1.
public struct CommandFailure: DebuggableError {
    public let reason: String
    public init(_ message: String) { reason = message }

    /// What `main` prints for any error: a command's own reason, a domain error's message, and for
    /// anything else (a database driver's error, say) a plain sentence; the details go to the log only.
    public static func message(for error: any Error, logger: Logger) -> String {
        switch error {
        case let failure as CommandFailure: return failure.reason
        case let domain as DomainError: return UserCreateCommand.describe(domain)
        default:
            // Our own modules' errors and the console's (an unknown option, say) are written for people.
            let module = String(reflecting: type(of: error)).prefix { $0 != "." }
            if ["Domain", "Persistence", "Web", "ConsoleKitCommands", "ConsoleKit"].contains(module) { return "\(error)" }
            logger.error("command failed", metadata: ["error": "\(String(reflecting: error))"])
            return "the command failed (\(type(of: error))); the log has the details"
        }
    }

    public var identifier: String { "command_failed" }
    public var description: String { reason }
    /// `main` prints the message; Vapor's own report of it is only wanted when debugging.
    public var logLevel: Logger.Level { .debug }
}

enum Commands {
    static func register(_ app: Application) {
        if let vaporServe = app.asyncCommands.commands["serve"] {
            app.asyncCommands.use(ServeCommand(vaporServe: vaporServe), as: "serve", isDefault: true)
        }
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(UserCommands(), as: "user")
        app.asyncCommands.use(TokenCommands(), as: "token")
        app.asyncCommands.use(AuditCommands(), as: "audit")
        app.asyncCommands.use(EndpointsCommands(), as: "endpoints")
        app.asyncCommands.use(CatalogCommands(), as: "catalog")
        app.asyncCommands.use(ReminderCommands(), as: "reminders")
        app.asyncCommands.use(ExportCommands(), as: "export")
        app.asyncCommands.use(LTICommands(), as: "lti")
        app.asyncCommands.use(DriftCommand(), as: "drift")
    }

    /// Connects and makes sure the schema is current: on SQLite (one process owns the file) pending
    /// migrations are applied, as `serve` does; on PostgreSQL, where several instances share the
    /// database, a command refuses to run against an old schema and says how to bring it up to date.
    static func ready(_ app: Application) async throws {
        try await connect(app)
        if case .sqlite = app.context.config.database {
            try await app.persistence.migrate()
        } else {
            let pending = try await app.persistence.pendingMigrations()
            if !pending.isEmpty {
                throw CommandFailure("the database needs \(pending.count) migration(s); run `vendor-review migrate` once, then try again")
            }
        }
    }

    /// Fails with a message naming the database (never its password) when it cannot be reached.
    static func connect(_ app: Application) async throws {
        let config = app.context.config.database
        do {
            try await app.persistence.ping()
            try await app.persistence.prepareEngine()
        } catch {
            throw CommandFailure("cannot use the database at \(config.redacted): \(reason(error))")
        }
    }

    /// Machine output of a command: sorted keys, slashes as written, one value.
    static func printJSON(_ value: some Encodable, to console: any Console) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        console.output(String(decoding: try encoder.encode(value), as: UTF8.self), style: .plain, newLine: true)
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error).lowercased()
        if text.contains("connection refused") || text.contains("connectionerror") || text.contains("connect") {
            return "connection failed (is the server running and reachable?)"
        }
        if text.contains("password") || text.contains("authentication") { return "authentication failed" }
        if text.contains("does not exist") { return "the database does not exist" }
        if text.contains("unable to open") || text.contains("permission") { return "the file cannot be opened" }
        return "\(type(of: error))"
    }
}

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
        try await Commands.ready(app)
        let host = signature.hostname ?? "127.0.0.1"
        let port = signature.port ?? 8080
        if signature.demo {
            let summary = try await DemoData.load(app)
            context.console.print(summary.describe(url: "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/"))
        }
        let reminders = ReminderScheduler.start(app, everyMinutes: app.context.config.reminderIntervalMinutes)
        defer { reminders?.cancel() }
        var forwarded = context
        forwarded.input = CommandInput(arguments: ["vendor-review serve", "--hostname", host, "--port", String(port)])
        try await vaporServe.run(using: &forwarded)
    }
}

struct ReminderCommands: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Sends the reminders due today (contract ends, re-reviews, key expiry), each once. For cron; `serve` also runs it hourly." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Commands.ready(app)
        let sent = try await app.operations.reminders.send()
        context.console.print("\(sent) reminder(s) sent")
    }
}

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead of applying new ones.")
        var revert: Bool
        init() {}
    }

    var help: String { "Applies pending migrations (or reverts the last batch with --revert). Never prompts." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Commands.connect(app)
        if signature.revert {
            try await app.persistence.revert()
            context.console.print("Reverted all migrations on \(app.context.config.database.redacted).")
        } else {
            let pending = try await app.persistence.pendingMigrations()
            try await app.persistence.migrate()
            context.console.print(pending.isEmpty
                ? "Database is up to date."
                : "Applied \(pending.count) migration(s): \(pending.joined(separator: ", ")).")
        }
    }
}

struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": UserCreateCommand()] }
    var help: String { "Manage user accounts." }
}

struct UserCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The person's e-mail address (their sign-in name).")
        var email: String?
        @Option(name: "name", help: "The person's full name.")
        var name: String?
        @Option(name: "role", help: "admin, reviewer, procurement or auditor.")
        var role: String?
        init() {}
    }

    var help: String { "Creates an account. The password is read from stdin (one line) when it is not a terminal, else prompted for." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Commands.ready(app)
        let password: String?
        if isatty(STDIN_FILENO) == 0 {
            password = readLine(strippingNewline: true)
        } else {
            password = context.console.ask("Password (at least \(PasswordPolicy.minimumLength) characters): ".consoleText(), isSecure: true)
        }
        do {
            let (user, password) = try NewUser.validate(email: signature.email, name: signature.name, role: signature.role, password: password)
            let hash = try await app.context.hasher.hash(password)
            let created = try await app.store.users.create(user, id: app.context.services.ids(), passwordHash: hash, by: .commandLine, at: app.context.services.now())
            context.console.print("Created \(created.role.rawValue) account \(created.email).")
        } catch let error as DomainError {
            throw CommandFailure(Self.describe(error))
        }
    }

    static func describe(_ error: DomainError) -> String {
        let mapped = ErrorMapping.map(error)
        if mapped.fields.isEmpty { return mapped.message }
        return mapped.fields.sorted { $0.key < $1.key }.map { "--\($0.key): \($0.value)" }.joined(separator: "\n")
    }
}

struct TokenCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": TokenCreateCommand()] }
    var help: String { "Manage API tokens." }
}

struct TokenCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Whose token: it carries this user's role.")
        var email: String?
        @Option(name: "purpose", help: "What the token is for (required).")
        var purpose: String?
        @Option(name: "expires-in-days", help: "Days until it expires, 1 to 365.")
        var expiresInDays: String?
        init() {}
    }

    var help: String { "Creates an API token and prints only the token on stdout." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Commands.ready(app)
        guard let email = signature.email, let user = try await app.store.users.find(email: email), user.isActive else {
            throw CommandFailure("no active account with that e-mail")
        }
        do {
            let request = try TokenRequest.validate(purpose: signature.purpose, expiresInDays: signature.expiresInDays)
            let secret = try await app.operations.tokens.issue(request, for: user, by: .commandLine)
            print(secret)
        } catch let error as DomainError {
            throw CommandFailure(UserCreateCommand.describe(error).replacingOccurrences(of: "--expiresInDays", with: "--expires-in-days"))
        }
    }
}

struct AuditCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["verify": AuditVerifyCommand()] }
    var help: String { "Work with the audit trail." }
}

struct AuditVerifyCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Re-computes the audit hash chain. Exit 0 when intact; exit 1 naming the first broken event." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await Commands.ready(app)
        let (verifier, problem) = try await app.store.audit.verifyChain()
        if let problem {
            throw CommandFailure("audit chain BROKEN after \(verifier.checked) good event(s): \(problem)")
        }
        context.console.print("audit chain intact: \(verifier.checked) event(s), head \(verifier.headHash)")
    }
}

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
        try await Commands.ready(app)
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
