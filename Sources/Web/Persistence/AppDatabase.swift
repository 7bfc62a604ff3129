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

/// Vapor's session driver over the sessions table, so several instances share sign-ins. Vapor's
/// middleware hands back every session a request touched; a session whose values did not change is
/// not written again (the signed-in user's "last seen" changes at most once a minute), so reading a
/// page is not a database write.
struct DatabaseSessions: AsyncSessionDriver {
    /// The values as read at the start of the request.
    private struct ReadKey: StorageKey { typealias Value = [String: String] }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        try await request.application.persistence.sessions.create(key: key, data: data.snapshot, at: request.now)
        return SessionID(string: key)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let values = try await request.application.persistence.sessions.read(key: sessionID.string) else { return nil }
        request.storage[ReadKey.self] = values
        return SessionData(initialData: values)
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        let values = data.snapshot
        if request.storage[ReadKey.self] == values { return sessionID }
        try await request.application.persistence.sessions.update(key: sessionID.string, data: values, at: request.now)
        request.storage[ReadKey.self] = values
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await request.application.persistence.sessions.delete(key: sessionID.string)
    }
}
