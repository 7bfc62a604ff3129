import Domain
import Operations
import Persistence
import Vapor

extension Request {
    /// The address the request came from: `X-Forwarded-For` is believed only from `TRUSTED_PROXIES`.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        return context.config.signIn.trustedProxies.client(peer: peer, forwardedFor: headers["X-Forwarded-For"])
    }

    /// Starts a signed-in session for `user`, made by `method`. A new session id on sign-in prevents session
    /// fixation: the old record is dropped and the sessions middleware creates a fresh one (with a fresh CSRF
    /// token) for this response.
    func establishSession(_ user: User, via method: SignInMethod, mustEnrol: Bool = false) async throws {
        if let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
        }
        session.id = nil
        session.data = SessionData()
        session.data[SessionKeys.userID] = user.id.description
        session.data[SessionKeys.lastSeen] = String(now.timeIntervalSince1970)
        session.data[SessionKeys.via] = method.rawValue
        session.data[SessionKeys.epoch] = String(user.sessionEpoch)
        if mustEnrol { session.data[SessionKeys.mustEnrol] = "1" }
        currentUser = user
        logger.info("signed in", metadata: ["user": .string(user.id.description), "via": .string(method.rawValue)])
    }

    /// Whether the client's address has failed to sign in too often (counted by every instance together).
    func addressIsThrottled() async throws -> Bool {
        try await operations.signIns.isThrottled(address: clientAddress)
    }

    func recordAddressFailure() async throws {
        try await operations.signIns.recordFailure(address: clientAddress)
    }
}

/// Whether a session may go on: made by a way of signing in that is still open to its user, since the user's
/// last role change, deactivation or authenticator reset.
enum SessionBinding {
    static func holds(method raw: String?, epoch: String?, user: User, settings: SignInSettings) -> Bool {
        guard user.isActive, Int(epoch ?? "0") == user.sessionEpoch else { return false }
        switch raw.flatMap(SignInMethod.init(rawValue:)) ?? .password {
        case .password, .passwordAndCode: return settings.localPasswords.allows(user.email)
        case .openID: return settings.openID != nil
        case .trustedHeader: return settings.trustedHeaders != nil
        }
    }
}
