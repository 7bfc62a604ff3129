import Domain
import Persistence
import Vapor

/// The glue between Vapor and the database handle: the app owns one, requests and commands reach
/// the repositories through `store`, and the handle is closed when the app shuts down.
extension Application {
    private struct DatabaseKey: StorageKey { typealias Value = DatabaseHandle }

    /// The open database; set by `configure(_:)`.
    public var persistence: DatabaseHandle {
        get {
            guard let handle = storage[DatabaseKey.self] else { fatalError("configure(_:) has not run") }
            return handle
        }
        set { storage[DatabaseKey.self] = newValue }
    }

    /// Opens the database `config` names on this app's event loops and thread pool, and closes it at shutdown.
    func openDatabase(_ config: DatabaseConfig) throws {
        persistence = try DatabaseHandle(config: config, eventLoopGroup: eventLoopGroup, threadPool: threadPool, logger: logger)
        lifecycle.use(DatabaseLifecycle())
    }

    public var store: Store { persistence.store }
}

extension Request {
    public var store: Store { application.persistence.store }
}

private struct DatabaseLifecycle: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.persistence.shutdown()
    }
}

/// Vapor's session driver over the sessions table, so several instances share sign-ins.
struct DatabaseSessions: AsyncSessionDriver {
    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        try await request.application.persistence.sessions.create(key: key, data: data.snapshot)
        return SessionID(string: key)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        try await request.application.persistence.sessions.read(key: sessionID.string).map { SessionData(initialData: $0) }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        try await request.application.persistence.sessions.update(key: sessionID.string, data: data.snapshot)
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await request.application.persistence.sessions.delete(key: sessionID.string)
    }
}
