import Operations
import Vapor

struct ReminderCommands: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Sends the reminders due today (contract ends, re-reviews, key expiry), each once. For cron; `serve` also runs it hourly." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await CommandSupport.ready(app)
        let sent = try await app.operations.reminders.send()
        context.console.print("\(sent) reminder(s) sent")
    }
}
