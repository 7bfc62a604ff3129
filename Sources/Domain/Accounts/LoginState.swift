import Foundation

/// Failed-login bookkeeping for one account: after `maxFailures` failures in a row the account is
/// locked for `lockDuration`. Pure: the caller passes the time.
public struct LoginState: Equatable, Sendable {
    public static let maxFailures = 5
    public static let lockDuration: TimeInterval = 15 * 60

    public var failedAttempts: Int
    public var lockedUntil: Date?

    public init(failedAttempts: Int = 0, lockedUntil: Date? = nil) {
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
    }

    public func isLocked(at now: Date) -> Bool {
        if let lockedUntil { return now < lockedUntil }
        return false
    }

    /// The state after a wrong password at `now`.
    public func recordingFailure(at now: Date) -> LoginState {
        if isLocked(at: now) { return self }
        // A lock that has run out starts a fresh count.
        let previous = lockedUntil == nil ? failedAttempts : 0
        let failures = previous + 1
        if failures >= Self.maxFailures {
            return LoginState(failedAttempts: failures, lockedUntil: now.addingTimeInterval(Self.lockDuration))
        }
        return LoginState(failedAttempts: failures, lockedUntil: nil)
    }

    /// The state after a correct password.
    public func recordingSuccess() -> LoginState { LoginState() }
}

/// What a login attempt concluded. The web layer shows the same message for every failure.
public enum LoginDecision: Equatable, Sendable {
    case success(User)
    case failure
}

public enum LoginRules {
    /// Decides a login attempt for an account found by e-mail.
    /// - Returns: the decision and the account's next login state to store.
    public static func decide(
        user: User, passwordMatches: Bool, now: Date
    ) -> (decision: LoginDecision, next: LoginState) {
        if !user.isActive { return (.failure, user.login) }
        if user.login.isLocked(at: now) { return (.failure, user.login) }
        if passwordMatches {
            var signedIn = user
            signedIn.login = user.login.recordingSuccess()
            return (.success(signedIn), signedIn.login)
        }
        return (.failure, user.login.recordingFailure(at: now))
    }
}
