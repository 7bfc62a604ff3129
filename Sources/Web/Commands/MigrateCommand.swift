import Persistence
import Vapor

struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead of applying new ones.")
        var revert: Bool
        init() {}
    }

    var help: String { "Applies pending migrations (or reverts the last batch with --revert). Never prompts." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.connect(app)
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
