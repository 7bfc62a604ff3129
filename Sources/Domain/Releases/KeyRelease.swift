import Crypto
import Foundation

public enum ReleaseState: String, CaseIterable, Codable, Sendable {
    /// Waiting for the e-mailed code.
    case pending
    /// Verified and recorded: the key is on in Canvas.
    case released
    /// Turned off in Canvas: every token issued from the key stops working.
    case off
    case retired
    /// The code was not confirmed in time or too many wrong codes were entered.
    case locked

    public var label: String {
        switch self {
        case .pending: "Pending confirmation"
        case .released: "Released (on)"
        case .off: "Off"
        case .retired: "Retired"
        case .locked: "Locked"
        }
    }
}

/// What the admin records when confirming a release.
public struct ReleaseDetails: Equatable, Sendable {
    /// The developer key's id in Canvas.
    public let canvasKeyID: String
    /// Exactly the approved whitelist's scopes; "enforce scopes" is on.
    public let scopes: [String]
    public let allowIncludeParameters: Bool
    public let expiresOn: String?
    public let rereviewOn: String

    public init(canvasKeyID: String, scopes: [String], allowIncludeParameters: Bool, expiresOn: String?, rereviewOn: String) {
        self.canvasKeyID = canvasKeyID
        self.scopes = scopes
        self.allowIncludeParameters = allowIncludeParameters
        self.expiresOn = expiresOn
        self.rereviewOn = rereviewOn
    }

    public static func validate(canvasKeyID: String?, allowIncludeParameters: String?, expiresOn: String?, rereviewOn: String?,
                                scopes: [String], today: String) throws -> ReleaseDetails {
        var errors = ValidationErrors()
        let key = Check.trimmed(canvasKeyID)
        if key.isEmpty {
            errors.add("canvasKeyID", "Enter the developer key's id from Canvas (Admin → Developer Keys).")
        } else if key.count > 40 || !key.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "~") }) {
            errors.add("canvasKeyID", "A Canvas developer key id is a number such as 170000000000123 (or 17~123).")
        }
        func day(_ raw: String?, _ field: String, required: Bool) -> String? {
            let text = Check.trimmed(raw)
            if text.isEmpty {
                if required { errors.add(field, "Enter a date such as 2027-11-30.") }
                return nil
            }
            if !CalendarDay.isValid(text) { errors.add(field, "Enter a date such as 2027-11-30."); return nil }
            if text <= today { errors.add(field, "Choose a date after today.") }
            return text
        }
        let expires = day(expiresOn, "expiresOn", required: false)
        let rereview = day(rereviewOn, "rereviewOn", required: true)
        if scopes.isEmpty { errors.add("canvasKeyID", "The approved whitelist has no scopes to release.") }
        try errors.throwIfAny()
        let include = ["on", "yes", "true"].contains(Check.trimmed(allowIncludeParameters).lowercased())
        return ReleaseDetails(canvasKeyID: key, scopes: scopes, allowIncludeParameters: include, expiresOn: expires, rereviewOn: rereview!)
    }
}

/// Six-digit confirmation codes: random, stored only as a hash bound to their release, compared in
/// constant time.
public enum ReleaseCode {
    public static func generate<G: RandomNumberGenerator>(using generator: inout G) -> String {
        String(format: "%06d", Int.random(in: 0...999_999, using: &generator))
    }

    public static func hash(_ code: String, release: KeyRelease.ID) -> String {
        SHA256.hash(data: Data("vendor-review release \(release) code \(code)".utf8)).hexString
    }

    public static func matches(_ code: String, release: KeyRelease.ID, hash expected: String) -> Bool {
        let digits = code.filter { !$0.isWhitespace }
        let given = Array(hash(digits, release: release).utf8), wanted = Array(expected.utf8)
        guard given.count == wanted.count, digits.count == 6 else { return false }
        var difference: UInt8 = 0
        for i in 0..<given.count { difference |= given[i] ^ wanted[i] }
        return difference == 0
    }
}

/// One request to release a developer key, and what became of the key afterwards.
public struct KeyRelease: Equatable, Sendable {
    public typealias ID = Identifier<KeyRelease>

    public enum Outcome: Equatable, Sendable {
        case released
        /// Wrong, expired or malformed code: the words never say which.
        case refused
        case locked
        case notPending
    }

    public let id: ID
    public let integrationID: Integration.ID
    public var state: ReleaseState
    public let requestedBy: String
    public let requestedByID: User.ID
    public let requestedByEmail: String
    public let requestedAt: Date
    public var codeHash: String
    public var codeIssuedAt: Date
    public var codesSent: Int
    public var attempts: Int
    public var verifiedAt: Date?
    public var details: ReleaseDetails?
    /// The whitelist version whose scopes are released.
    public let whitelistVersion: Int
    /// The release this one rotates.
    public let previousID: ID?
    /// The whitelist changed after this key was released.
    public var scopeChanged: Bool
    /// Set when a change after release closed the gate again: the key stays flagged until the gate is met.
    public var gateLapse: GateLapse?
    public var note: String?
    public var version: Int

    public init(
        id: ID, integrationID: Integration.ID, state: ReleaseState = .pending, requestedBy: String, requestedByID: User.ID, requestedByEmail: String,
        requestedAt: Date, codeHash: String, codeIssuedAt: Date, codesSent: Int = 1, attempts: Int = 0, verifiedAt: Date? = nil,
        details: ReleaseDetails? = nil, whitelistVersion: Int, previousID: ID? = nil, scopeChanged: Bool = false, gateLapse: GateLapse? = nil, note: String? = nil,
        version: Int = 1
    ) {
        self.id = id
        self.integrationID = integrationID
        self.state = state
        self.requestedBy = requestedBy
        self.requestedByID = requestedByID
        self.requestedByEmail = requestedByEmail
        self.requestedAt = requestedAt
        self.codeHash = codeHash
        self.codeIssuedAt = codeIssuedAt
        self.codesSent = codesSent
        self.attempts = attempts
        self.verifiedAt = verifiedAt
        self.details = details
        self.whitelistVersion = whitelistVersion
        self.previousID = previousID
        self.scopeChanged = scopeChanged
        self.gateLapse = gateLapse
        self.note = note
        self.version = version
    }

    /// The state as of `now`: a pending release past its deadline is locked even before anyone looks.
    public func state(at now: Date, policy: Policy) -> ReleaseState {
        if state == .pending && now.timeIntervalSince(requestedAt) >= TimeInterval(policy.lockAfterMinutes * 60) { return .locked }
        return state
    }

    /// Why a locked release is locked, in words a person can act on; nil unless it is locked at `now`.
    public func lockReason(at now: Date, policy: Policy) -> String? {
        guard state(at: now, policy: policy) == .locked else { return nil }
        if attempts >= policy.maxAttempts {
            return "This release is locked after \(policy.maxAttempts) wrong codes. Start a new release from the integration page."
        }
        return "This release is locked: it was not confirmed within \(policy.lockAfterMinutes) minutes. Start a new release from the integration page."
    }

    public func lockedAt(policy: Policy) -> Date { requestedAt.addingTimeInterval(TimeInterval(policy.lockAfterMinutes * 60)) }

    /// Replaces the code with a new one; refused after `maxCodes` codes or once the release is not pending.
    public mutating func resend(codeHash newHash: String, at now: Date, policy: Policy) throws {
        let current = state(at: now, policy: policy)
        if current == .locked { state = .locked }
        guard current == .pending else { throw DomainError.validation(ValidationErrors(["code": "This release is no longer waiting for a code."])) }
        guard codesSent < policy.maxCodes else {
            throw DomainError.validation(ValidationErrors(["code": "All \(policy.maxCodes) codes for this release have been sent. Enter the last one, or start a new release once this one locks."]))
        }
        codeHash = newHash
        codeIssuedAt = now
        codesSent += 1
    }

    /// Whether `verify` would release with this code now, without spending an attempt: with enforcement,
    /// Canvas is checked and switched between a right code and the record. A wrong code learns nothing
    /// here — it goes on to `verify`, which counts it.
    public func wouldRelease(_ code: String, at now: Date, policy: Policy) -> Bool {
        state(at: now, policy: policy) == .pending && attempts < policy.maxAttempts
            && now.timeIntervalSince(codeIssuedAt) < TimeInterval(policy.codeValidMinutes * 60) && ReleaseCode.matches(code, release: id, hash: codeHash)
    }

    /// Checks a code. Every call counts as an attempt; the last allowed wrong attempt locks the release.
    public mutating func verify(_ code: String, details: ReleaseDetails, at now: Date, policy: Policy) -> Outcome {
        switch state(at: now, policy: policy) {
        case .pending: break
        case .locked:
            state = .locked
            return .locked
        default: return .notPending
        }
        guard attempts < policy.maxAttempts else {
            state = .locked
            return .locked
        }
        attempts += 1
        let fresh = now.timeIntervalSince(codeIssuedAt) < TimeInterval(policy.codeValidMinutes * 60)
        if fresh && ReleaseCode.matches(code, release: id, hash: codeHash) {
            state = .released
            verifiedAt = now
            self.details = details
            codeHash = ""  // a used code can never match again
            return .released
        }
        if attempts >= policy.maxAttempts { state = .locked }
        return .refused
    }
}

/// The changes a released key goes through, each with a note where a reader needs one.
public enum ReleaseAction: String, CaseIterable, Codable, Sendable {
    case turnOff = "turn_off"
    case turnOn = "turn_on"
    case retire

    public var label: String {
        switch self {
        case .turnOff: "Turn off (stops every token issued from it)"
        case .turnOn: "Turn back on"
        case .retire: "Retire"
        }
    }

    public var allowedFrom: Set<ReleaseState> {
        switch self {
        case .turnOff: [.released]
        case .turnOn: [.off]
        case .retire: [.released, .off]
        }
    }

    public var result: ReleaseState {
        switch self {
        case .turnOff: .off
        case .turnOn: .released
        case .retire: .retired
        }
    }

    public func apply(to state: ReleaseState, note: String?) throws -> ReleaseState {
        var errors = ValidationErrors()
        if !allowedFrom.contains(state) { errors.add("action", "“\(label)” is not possible while the key is \(state.label.lowercased()).") }
        if Check.trimmed(note).isEmpty { errors.add("note", "Say why (it goes in the audit trail).") }
        try errors.throwIfAny()
        return result
    }
}

public protocol KeyReleaseRepository: Sendable {
    func find(_ id: KeyRelease.ID) async throws -> KeyRelease?
    func list(_ integration: Integration.ID) async throws -> [KeyRelease]
    /// The releases of several integrations (one query a batch), by integration, newest first.
    func list(of integrations: [Integration.ID]) async throws -> [Integration.ID: [KeyRelease]]
    /// Every release in these states, across integrations (one query, for dashboards and reports).
    func all(in states: Set<ReleaseState>) async throws -> [KeyRelease]
    func create(_ release: KeyRelease, by actor: Actor) async throws
    /// Runs `change` on the stored release inside one audited transaction and saves the result; what
    /// `change` decided comes back with the saved release. Concurrent calls for one release queue, so
    /// two verifications can never both release.
    func update<Decision: Sendable>(
        _ id: KeyRelease.ID, by actor: Actor, at now: Date,
        _ change: @escaping @Sendable (inout KeyRelease) throws -> KeyReleaseChange<Decision>
    ) async throws -> (release: KeyRelease, decision: Decision)
}

/// One audited change of a release: the audit action and summary, and what the change decided.
public struct KeyReleaseChange<Decision: Sendable>: Sendable {
    public let action: String
    public let summary: String
    public let decision: Decision

    public init(_ action: String, _ summary: String, decision: Decision) {
        self.action = action
        self.summary = summary
        self.decision = decision
    }
}

extension KeyReleaseChange where Decision == Void {
    public init(_ action: String, _ summary: String) { self.init(action, summary, decision: ()) }
}

extension KeyReleaseRepository {
    /// An audited change that decides nothing beyond the new state.
    public func update(_ id: KeyRelease.ID, by actor: Actor, at now: Date,
                       _ change: @escaping @Sendable (inout KeyRelease) throws -> KeyReleaseChange<Void>) async throws -> KeyRelease {
        try await update(id, by: actor, at: now, change).release
    }
}

/// The gate closed again after a key was released: when it was noticed and why.
public struct GateLapse: Equatable, Sendable {
    public let since: Date
    /// The unmet items, "Title: reason; …".
    public let reason: String

    public init(since: Date, reason: String) {
        self.since = since
        self.reason = reason
    }

    /// The reason text for a gate's unmet items.
    public static func reason(_ gate: Gate) -> String {
        gate.unmet.map(\.sentence).joined(separator: "; ")
    }
}
