import Domain
import Operations
import Persistence
import Vapor

/// Sends due reminders while the server runs (`REMINDER_INTERVAL_MINUTES`, default 60; 0 turns it off),
/// and re-checks the gate of every released key, for what time alone closes (a contract ending, a
/// review expiring).
enum ReminderScheduler {
    static func start(_ app: Application, everyMinutes interval: Int) -> Task<Void, Never>? {
        guard interval > 0 else { return nil }
        let seconds = UInt64(interval) * 60
        return Task {
            while !Task.isCancelled {
                do {
                    let sent = try await app.operations.reminders.send()
                    if sent > 0 { app.logger.info("reminders sent", metadata: ["count": .string(String(sent))]) }
                    let watched = try await app.operations.gateWatch.recheckAll(after: "the scheduled re-check")
                    if !watched.lapsed.isEmpty { app.logger.warning("released keys whose gate is no longer met", metadata: ["count": .string(String(watched.lapsed.count))]) }
                } catch {
                    app.logger.error("reminders failed", metadata: ["error": .string(String(describing: error))])
                }
                try? await Task.sleep(nanoseconds: seconds * 1_000_000_000)
            }
        }
    }
}
