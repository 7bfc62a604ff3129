import Domain
import Vapor

extension Request {
    private struct CurrentUserKey: StorageKey { typealias Value = User }
    private struct SessionExpiredKey: StorageKey { typealias Value = Bool }

    /// The signed-in user (page routes) or the token's owner (API routes).
    var currentUser: User? {
        get { storage[CurrentUserKey.self] }
        set { storage[CurrentUserKey.self] = newValue }
    }

    var sessionExpired: Bool {
        get { storage[SessionExpiredKey.self] ?? false }
        set { storage[SessionExpiredKey.self] = newValue }
    }

    func requireUser() throws -> User {
        guard let user = currentUser else { throw Abort(.unauthorized) }
        return user
    }

    var actor: Actor { currentUser.map(Actor.init(user:)) ?? .system }
}
