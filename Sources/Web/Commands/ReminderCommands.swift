import Operations
import Vapor

struct ReminderCommands: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String {
        "Queues the reminders due today (contract ends, re-reviews, key expiry), each once, re-checks the gate of every released key, and delivers the mail that queued. For cron; `serve` also runs it hourly."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        let sent = try await app.operations.reminders.send()
        context.console.print("\(sent) reminder(s) queued")
        let watched = try await app.operations.gateWatch.recheckAll(after: "the scheduled re-check")
        context.console.print("\(watched.lapsed.count) released key(s) newly flagged: gate no longer met; \(watched.restored.count) met again")
        try await CommandSupport.deliverMail(app)
    }
}
