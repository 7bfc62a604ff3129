import Domain
import Operations
import Vapor

/// Syncs with Canvas while the server runs (`CANVAS_SYNC_INTERVAL_MINUTES`, default 60; 0 turns it off).
/// Instances sharing one PostgreSQL take turns through the sync's lease: a busy sync is skipped, not queued.
enum CanvasSyncScheduler {
    static func start(_ app: Application, everyMinutes interval: Int, firstAfterSeconds delay: Double = 0) -> Task<Void, Never>? {
        guard interval > 0, app.operations.canvas.isConfigured else { return nil }
        let seconds = UInt64(interval) * 60
        return Task {
            if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000)) }
            while !Task.isCancelled {
                do {
                    let (sync, findings) = try await app.operations.canvas.sync(by: Actor(userID: nil, label: "scheduled Canvas sync"))
                    app.logger.info("canvas sync finished", metadata: ["outcome": .string(sync.outcome.rawValue), "findings": .string(String(findings.count))])
                } catch CanvasSyncRefusal.busy {
                    app.logger.info("canvas sync skipped: another instance is syncing")
                } catch {
                    app.logger.error("canvas sync failed", metadata: ["error": .string(String(describing: error))])
                }
                try? await Task.sleep(nanoseconds: seconds * 1_000_000_000)
            }
        }
    }
}
