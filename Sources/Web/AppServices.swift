import Domain
import Foundation
import Operations
import Vapor

/// Time, identifiers and password hashing, passed in so tests can make them deterministic.
public struct AppServices: Sendable {
    public var now: @Sendable () -> Date
    public var ids: IdentifierGenerator
    public var makeHasher: @Sendable (Application, Int) -> any SecretHasher

    public init(
        now: @escaping @Sendable () -> Date = { Date() },
        ids: IdentifierGenerator = .random,
        makeHasher: @escaping @Sendable (Application, Int) -> any SecretHasher = { app, cost in
            BcryptHasher(cost: cost, threadPool: app.threadPool)
        }
    ) {
        self.now = now
        self.ids = ids
        self.makeHasher = makeHasher
    }
}

/// bcrypt on Vapor's thread pool so hashing never blocks an event loop.
public struct BcryptHasher: SecretHasher {
    public init(cost: Int, threadPool: NIOThreadPool) {
        self.cost = cost
        self.threadPool = threadPool
    }

    let cost: Int
    let threadPool: NIOThreadPool

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await threadPool.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive { (try? Bcrypt.verify(password, created: hash)) ?? false }
    }
}

/// What the running app holds: configuration, services and the password hasher.
struct AppContext: Sendable {
    let config: AppConfig
    let services: AppServices
    let hasher: any SecretHasher
    /// A real bcrypt hash of a random string, verified against when an e-mail is unknown so that
    /// unknown and known accounts take the same time to refuse.
    let decoyHash: String
    /// Every workflow, built once from the store, mailer, clock, ids and policy.
    let operations: Operations
    /// Questionnaire definitions from `data/questionnaires/`, validated at start-up.
    let questionnaires: [Questionnaire]
    /// The transport the outbox's worker delivers through.
    let mailer: Mailer
    /// Wakes this instance's mail worker.
    let mailSignal: WakeSignal
    /// The institution's rules from `data/policy.yaml`.
    let policy: Policy
    /// The Canvas connection (`CANVAS_URL`), or the demo double under `serve --demo`.
    let canvas: CanvasLink
    /// The identity provider, when `OIDC_ISSUER` is set.
    let openID: OpenIDClient?
    /// The public list of approved tools as last read (`PUBLIC_LIST=on`).
    let publicListCache = PublicListCache()
    /// The address links are made on (`PUBLIC_URL`, or where the server listens).
    let address: PublicAddress

    func questionnaire(_ id: String) -> Questionnaire? { questionnaires.first { $0.id == id } }
}

extension Application {
    private struct ContextKey: StorageKey { typealias Value = AppContext }

    var context: AppContext {
        get {
            guard let value = storage[ContextKey.self] else { fatalError("configure(_:) has not run") }
            return value
        }
        set { storage[ContextKey.self] = newValue }
    }

    /// Every workflow (see `Operations`), for commands, timers, the benchmark and tests.
    public var operations: Operations { context.operations }
}

extension Request {
    var context: AppContext { application.context }
    var now: Date { application.context.services.now() }
    var operations: Operations { application.operations }
}
