import Foundation

/// A change VendorReview makes in Canvas. Off is the safe direction; on only ever follows a verified release.
public enum CanvasWriteAction: String, CaseIterable, Codable, Sendable {
    /// Switch a developer key's root-account binding on.
    case keyOn = "key_on"
    /// Switch a developer key's root-account binding off: every token issued from it stops working.
    case keyOff = "key_off"
    /// Switch an LTI registration's binding off: its tools stop launching in the account.
    case registrationOff = "registration_off"
    /// Make an LTI registration unavailable in one sub-account or course (and everything below it)
    /// through its context controls; the rest of the account keeps it.
    case registrationContextOff = "registration_context_off"
    /// Delete a user's manual access token.
    case tokenDelete = "token_delete"

    public var label: String {
        switch self {
        case .keyOn: "Switch key on"
        case .keyOff: "Switch key off"
        case .registrationOff: "Switch LTI registration off"
        case .registrationContextOff: "Make LTI registration unavailable"
        case .tokenDelete: "Delete user token"
        }
    }

    /// The Canvas permission the token's user needs for it.
    public var permission: String {
        switch self {
        case .keyOn, .keyOff: "manage_developer_keys"
        case .registrationOff, .registrationContextOff: "manage_lti_registrations"
        case .tokenDelete: "delete_access_tokens"
        }
    }

    /// Switching something off (or deleting it) can never widen access.
    public var isSafeDirection: Bool { self != .keyOn }
}

public enum CanvasWriteState: String, CaseIterable, Codable, Sendable {
    /// Suggested by the policy (`enforce.auto_off: propose`); waits for an admin's click.
    case proposed
    /// Recorded, not yet attempted.
    case pending
    /// Claimed by one instance and being written; a crash leaves it here until the repair reads Canvas back.
    case performing
    /// Canvas, read back, shows the change.
    case done
    /// Canvas refused, or reading back did not show the change; an admin may retry.
    case failed
    /// A proposal an admin declined, or a failed write given up.
    case dismissed

    public var label: String {
        switch self {
        case .proposed: "Proposed"
        case .pending: "Waiting"
        case .performing: "Writing to Canvas"
        case .done: "Done (read back)"
        case .failed: "Failed"
        case .dismissed: "Dismissed"
        }
    }

    /// Still asks something of someone: shown on the dashboard and the integration page.
    public var isOpen: Bool { [.proposed, .pending, .performing, .failed].contains(self) }
}

/// The Canvas object a write changes.
public struct CanvasWriteTarget: Codable, Equatable, Sendable {
    public var action: CanvasWriteAction
    /// The developer key, registration or token id.
    public var objectID: String
    /// The token's user (token deletes only).
    public var userID: String?
    /// The sub-account or course a context control applies to (`registration_context_off` only).
    public var context: CanvasContext?
    /// How pages name it: “Ledgerly sync” (10000000000123).
    public var name: String

    public init(action: CanvasWriteAction, objectID: String, userID: String? = nil, context: CanvasContext? = nil, name: String) {
        self.action = action
        self.objectID = objectID
        self.userID = userID
        self.context = context
        self.name = name
    }

    /// Ids as Canvas writes them in paths: digits, `shard~id`, never anything a path could be bent with.
    public static func isCanvasID(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 40 && text.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "~") }
    }
}

/// A sub-account or a course, as Canvas's context controls name it (`account_id` or `course_id`).
public struct CanvasContext: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case account
        case course
    }

    public let kind: Kind
    public let id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    /// `account_12` or `course_34`, the form stored and sent by forms; nil for anything else.
    public init?(storage: String) {
        let parts = storage.split(separator: "_", maxSplits: 1).map(String.init)
        guard parts.count == 2, let kind = Kind(rawValue: parts[0]), CanvasWriteTarget.isCanvasID(parts[1]) else { return nil }
        self.init(kind: kind, id: parts[1])
    }

    public var storage: String { "\(kind.rawValue)_\(id)" }
    /// The context control's field for it.
    public var field: String { "\(kind.rawValue)_id" }
    public var description: String { kind == .account ? "sub-account \(id)" : "course \(id)" }
}

/// One write to Canvas: recorded as an intent before it is made, claimed by one instance, performed,
/// read back, and its outcome recorded. Every step is an audited change of this record.
public struct CanvasWrite: Equatable, Sendable {
    public typealias ID = Identifier<CanvasWrite>

    public let id: ID
    public let target: CanvasWriteTarget
    public var state: CanvasWriteState
    /// Why: the release, the lifecycle action, the policy rule or the finding it serves.
    public let reason: String
    public let integrationID: Integration.ID?
    public let releaseID: KeyRelease.ID?
    /// The sync finding kind it answers, for policy switch-offs.
    public let findingKind: CanvasFindingKind?
    public let requestedBy: String
    public let requestedAt: Date
    public var attempts: Int
    /// What happened, in words: Canvas's refusal, or what the read-back showed.
    public var outcome: String?
    public var updatedAt: Date
    public var version: Int

    public init(id: ID, target: CanvasWriteTarget, state: CanvasWriteState, reason: String, integrationID: Integration.ID? = nil,
                releaseID: KeyRelease.ID? = nil, findingKind: CanvasFindingKind? = nil, requestedBy: String, requestedAt: Date, attempts: Int = 0,
                outcome: String? = nil, updatedAt: Date? = nil, version: Int = 1) {
        self.id = id
        self.target = target
        self.state = state
        self.reason = reason
        self.integrationID = integrationID
        self.releaseID = releaseID
        self.findingKind = findingKind
        self.requestedBy = requestedBy
        self.requestedAt = requestedAt
        self.attempts = attempts
        self.outcome = outcome
        self.updatedAt = updatedAt ?? requestedAt
        self.version = version
    }

    /// "Switch key off “Ledgerly sync” (10000000000123)".
    public var title: String { "\(target.action.label) \(target.name)" + (target.context.map { " in \($0)" } ?? "") }
}

/// One audited step of a write: the change and the words for the audit trail.
public struct CanvasWriteChange: Sendable {
    public let action: String
    public let summary: String

    public init(_ action: String, _ summary: String) {
        self.action = action
        self.summary = summary
    }
}

public struct CanvasWriteQuery: Sendable {
    public var states: [CanvasWriteState]?
    public var integrationID: Integration.ID?
    public var limit: Int

    public init(states: [CanvasWriteState]? = nil, integrationID: Integration.ID? = nil, limit: Int = 200) {
        self.states = states
        self.integrationID = integrationID
        self.limit = limit
    }
}

public protocol CanvasWriteRepository: Sendable {
    /// Records a new intent with its audit event ("canvas_write_recorded" or "canvas_write_proposed").
    func create(_ write: CanvasWrite, by actor: Actor) async throws
    /// Applies `change` to the stored write in one audited transaction; the closure may throw to change nothing.
    func update(_ id: CanvasWrite.ID, by actor: Actor, at: Date, _ change: @escaping @Sendable (inout CanvasWrite) throws -> CanvasWriteChange) async throws -> CanvasWrite
    func find(_ id: CanvasWrite.ID) async throws -> CanvasWrite?
    /// Newest first.
    func list(_ query: CanvasWriteQuery) async throws -> [CanvasWrite]
    /// Open writes (proposed, pending, performing, failed) on one Canvas object, for not proposing twice.
    func open(action: CanvasWriteAction, objectID: String) async throws -> [CanvasWrite]
}
