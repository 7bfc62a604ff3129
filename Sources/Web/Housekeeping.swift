import Domain
import Operations
import Persistence
import Vapor

/// Hourly upkeep while the server runs: writes the audit chain's head down once a day (so a chain
/// rewritten later is refused at the next export), and deletes sessions idle longer than
/// `SESSION_IDLE_MINUTES` (they can no longer sign anyone in) and drift scans older than
/// `DRIFT_RETENTION_DAYS` (the newest scan is always kept; the deletion is audited), and sign-in throttle
/// windows that have run out.
enum Housekeeping {
    struct Outcome: Equatable {
        var checkpoint: Int64?
        var sessionsSwept = 0
        var driftScansDeleted = 0
        var throttleWindowsDeleted = 0
    }

    static func runOnce(_ app: Application) async throws -> Outcome {
        var outcome = Outcome()
        outcome.checkpoint = try await app.operations.exports.recordDailyCheckpoint()?.sequence
        let now = app.context.services.now()
        outcome.sessionsSwept = try await app.persistence.sessions.deleteIdle(before: now.addingTimeInterval(-app.context.config.sessionIdleTimeout))
        outcome.throttleWindowsDeleted = try await app.operations.signIns.sweepThrottle()
        let retention = app.context.config.driftRetentionDays
        if retention > 0 {
            outcome.driftScansDeleted = try await app.store.drift.deleteScans(before: now.addingTimeInterval(-Double(retention) * 86_400), by: .system, at: now)
        }
        return outcome
    }

    static func start(_ app: Application, everySeconds interval: Double = 3_600) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                do {
                    let outcome = try await runOnce(app)
                    if let sequence = outcome.checkpoint { app.logger.info("audit chain head written down", metadata: ["event": .string(String(sequence))]) }
                    if outcome.driftScansDeleted > 0 { app.logger.info("old drift scans deleted", metadata: ["count": .string(String(outcome.driftScansDeleted))]) }
                    if outcome.sessionsSwept > 0 { app.logger.info("idle sessions swept", metadata: ["count": .string(String(outcome.sessionsSwept))]) }
                } catch {
                    app.logger.error("housekeeping failed", metadata: ["error": .string(String(describing: error))])
                }
                try? await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
            }
        }
    }
}
