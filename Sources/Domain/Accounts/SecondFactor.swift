import Crypto
import Foundation

/// A local account's authenticator (TOTP): its secret sealed with a key derived from the institution's
/// secret, the last time step accepted, the remaining recovery codes (hashed) and its own lock-out.
public struct SecondFactor: Equatable, Sendable {
    public static let maxFailures = 5
    public static let lockDuration: TimeInterval = 15 * 60
    public static let recoveryCodeCount = 10

    public var sealedSecret: Data
    public var lastStep: Int64
    public var recoveryHashes: [String]
    public var failedAttempts: Int
    public var lockedUntil: Date?
    public var enrolledAt: Date

    public init(sealedSecret: Data, lastStep: Int64 = 0, recoveryHashes: [String], failedAttempts: Int = 0, lockedUntil: Date? = nil, enrolledAt: Date) {
        self.sealedSecret = sealedSecret
        self.lastStep = lastStep
        self.recoveryHashes = recoveryHashes
        self.failedAttempts = failedAttempts
        self.lockedUntil = lockedUntil
        self.enrolledAt = enrolledAt
    }

    public func isLocked(at now: Date) -> Bool { lockedUntil.map { now < $0 } ?? false }
}

/// What a typed second-factor code concluded.
public enum SecondFactorDecision: Equatable, Sendable {
    case accepted(SecondFactor, usedRecoveryCode: Bool)
    /// Wrong, reused or locked; the state to store (a failure counted, perhaps a lock begun).
    case refused(SecondFactor, lockedNow: Bool)
}

public enum SecondFactorRules {
    /// Checks `typed` — a 6-digit code or a recovery code — against the factor. A code from a time step
    /// already used is refused like a wrong one, and so is everything while the factor is locked.
    public static func decide(_ factor: SecondFactor, typed: String, secret: [UInt8], now: Date) -> SecondFactorDecision {
        if factor.isLocked(at: now) { return .refused(factor, lockedNow: false) }
        var next = factor
        if let step = TOTP.matchingStep(typed, secret: secret, at: now, after: factor.lastStep) {
            next.lastStep = step
            next.failedAttempts = 0
            next.lockedUntil = nil
            return .accepted(next, usedRecoveryCode: false)
        }
        if let hash = RecoveryCodes.normalized(typed).map(RecoveryCodes.hash), let index = factor.recoveryHashes.firstIndex(of: hash) {
            next.recoveryHashes.remove(at: index)
            next.failedAttempts = 0
            next.lockedUntil = nil
            return .accepted(next, usedRecoveryCode: true)
        }
        let previous = factor.lockedUntil == nil ? factor.failedAttempts : 0
        next.failedAttempts = previous + 1
        next.lockedUntil = next.failedAttempts >= SecondFactor.maxFailures ? now.addingTimeInterval(SecondFactor.lockDuration) : nil
        return .refused(next, lockedNow: next.lockedUntil != nil)
    }
}

/// Ten one-time codes for when the authenticator is lost, shown once and stored only as SHA-256 hashes.
/// Each carries 50 random bits, so a fast hash is enough: there is no dictionary to try.
public enum RecoveryCodes {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    /// Codes as shown: `xxxxx-xxxxx`.
    public static func generate<G: RandomNumberGenerator>(count: Int = SecondFactor.recoveryCodeCount, using generator: inout G) -> [String] {
        (0..<count).map { _ in
            let letters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return String(letters[0..<5]) + "-" + String(letters[5...])
        }
    }

    /// The code in the form it was hashed (lower case, no dashes or spaces); nil when it cannot be one.
    public static func normalized(_ typed: String) -> String? {
        let kept = typed.lowercased().filter { $0 != "-" && !$0.isWhitespace }
        guard kept.count == 10, kept.allSatisfy(alphabet.contains) else { return nil }
        return kept
    }

    public static func hash(_ normalized: String) -> String {
        SHA256.hash(data: Data(normalized.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Seals authenticator secrets at rest with a key derived from the institution's secret (`SECRET_KEY_FILE`),
/// bound to the account they belong to, so a sealed secret copied onto another row does not open.
public struct FactorSeal: Sendable {
    private let key: SymmetricKey

    public init(institutionKey: InstitutionKey) { key = institutionKey.derivedKey(purpose: "vendor-review totp secret v1") }

    public func seal(_ secret: [UInt8], for user: User.ID) throws -> Data {
        try ChaChaPoly.seal(secret, using: key, authenticating: Data(user.description.utf8)).combined
    }

    public func open(_ sealed: Data, for user: User.ID) throws -> [UInt8] {
        Array(try ChaChaPoly.open(try ChaChaPoly.SealedBox(combined: sealed), using: key, authenticating: Data(user.description.utf8)))
    }
}
