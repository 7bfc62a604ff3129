import Domain
import Operations
import Persistence
import Vapor

/// Sends due reminders while the server runs (`REMINDER_INTERVAL_MINUTES`, default 60; 0 turns it off).
enum ReminderScheduler {
    static func start(_ app: Application, everyMinutes interval: Int) -> Task<Void, Never>? {
        guard interval > 0 else { return nil }
        let seconds = UInt64(interval) * 60
        return Task {
            while !Task.isCancelled {
                do {
                    let sent = try await app.operations.reminders.send()
                    if sent > 0 { app.logger.info("reminders sent", metadata: ["count": .string(String(sent))]) }
                } catch {
                    app.logger.error("reminders failed", metadata: ["error": .string(String(describing: error))])
                }
                try? await Task.sleep(nanoseconds: seconds * 1_000_000_000)
            }
        }
    }
}
