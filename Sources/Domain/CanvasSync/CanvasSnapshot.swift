import Foundation

/// The parts one sync reads, each run only when the token's permissions allow it.
public enum CanvasPart: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case developerKeys = "developer_keys"
    case inheritedKeys = "inherited_keys"
    case keyReport = "developer_key_report"
    case ltiRegistrations = "lti_registrations"
    case externalTools = "external_tools"
    case userTokens = "user_tokens"

    public var label: String {
        switch self {
        case .developerKeys: "Developer keys"
        case .inheritedKeys: "Inherited (global) keys"
        case .keyReport: "Developer key report (inherited keys' scopes)"
        case .ltiRegistrations: "LTI registrations"
        case .externalTools: "External tools in every account"
        case .userTokens: "User-generated tokens"
        }
    }

    /// The Canvas permission a part needs, as `…/permissions?permissions[]=` names it.
    public var permission: String {
        switch self {
        case .developerKeys, .inheritedKeys: "manage_developer_keys"
        case .keyReport: "read_reports"
        case .ltiRegistrations: "manage_lti_registrations"
        case .externalTools: "lti_add_edit"
        case .userTokens: "view_user_generated_access_tokens"
        }
    }

    public static var permissions: [String] { Array(Set(allCases.map(\.permission))).sorted() }
}

/// What became of one part: read whole, skipped before it started, failed part-way (and then none of
/// what it read is used), or unavailable on this Canvas (a feature the institution has not turned on:
/// nothing to read, and no gap).
public struct CanvasPartOutcome: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable { case read, skipped, failed, unavailable }
    public var state: State
    public var count: Int
    public var reason: String?

    public init(state: State, count: Int = 0, reason: String? = nil) {
        self.state = state
        self.count = count
        self.reason = reason
    }

    public static func read(_ count: Int) -> CanvasPartOutcome { CanvasPartOutcome(state: .read, count: count) }
    public static func skipped(_ reason: String) -> CanvasPartOutcome { CanvasPartOutcome(state: .skipped, reason: reason) }
    public static func failed(_ reason: String) -> CanvasPartOutcome { CanvasPartOutcome(state: .failed, reason: reason) }
    public static func unavailable(_ reason: String) -> CanvasPartOutcome { CanvasPartOutcome(state: .unavailable, reason: reason) }
}

/// Everything one sync read from Canvas.
public struct CanvasSnapshot: Codable, Equatable, Sendable {
    public var account: CanvasAccount?
    public var permissions: [String: Bool]
    public var parts: [CanvasPart: CanvasPartOutcome]
    public var keys: [CanvasDeveloperKey]
    public var registrations: [CanvasLTIRegistration]
    public var accounts: [CanvasAccount]
    public var tools: [CanvasTool]
    public var tokens: [CanvasUserToken]

    public init(account: CanvasAccount? = nil, permissions: [String: Bool] = [:], parts: [CanvasPart: CanvasPartOutcome] = [:],
                keys: [CanvasDeveloperKey] = [], registrations: [CanvasLTIRegistration] = [], accounts: [CanvasAccount] = [],
                tools: [CanvasTool] = [], tokens: [CanvasUserToken] = []) {
        self.account = account
        self.permissions = permissions
        self.parts = parts
        self.keys = keys
        self.registrations = registrations
        self.accounts = accounts
        self.tools = tools
        self.tokens = tokens
    }

    public func didRead(_ part: CanvasPart) -> Bool { parts[part]?.state == .read }

    /// Every part read whole (or not offered by this Canvas).
    public var isComplete: Bool { CanvasPart.allCases.allSatisfy { didRead($0) || parts[$0]?.state == .unavailable } }

    /// Why the sync is partial, one line a part not read.
    public var gaps: [String] {
        CanvasPart.allCases.compactMap { part in
            guard let outcome = parts[part], outcome.state != .read, outcome.state != .unavailable else { return parts[part] == nil ? "\(part.label): not read" : nil }
            return "\(part.label): \(outcome.reason ?? outcome.state.rawValue)"
        }
    }

    public var objectCount: Int { keys.count + registrations.count + tools.count + tokens.count }
}

public enum CanvasSyncOutcome: String, Codable, Sendable, CaseIterable {
    /// Every part read.
    case complete
    /// Some parts skipped or failed; what was read is compared, the gaps are named.
    case partial
    /// Nothing usable: the connection, the token or the account could not be read.
    case failed

    public var label: String {
        switch self {
        case .complete: "Complete"
        case .partial: "Partial"
        case .failed: "Failed"
        }
    }
}

/// One stored sync: when, by whom, how it went, what it cost, what it read and how that differs from
/// the previous one.
public struct CanvasSync: Equatable, Sendable {
    public typealias ID = Identifier<CanvasSync>

    public let id: ID
    public let startedAt: Date
    public let finishedAt: Date
    public let startedBy: String
    public let outcome: CanvasSyncOutcome
    public let reason: String?
    public let requests: Int
    public let canvasURL: String
    public let snapshot: CanvasSnapshot?
    public let difference: CanvasDifference?
    public let findingCount: Int

    public init(id: ID, startedAt: Date, finishedAt: Date, startedBy: String, outcome: CanvasSyncOutcome, reason: String?, requests: Int, canvasURL: String,
                snapshot: CanvasSnapshot?, difference: CanvasDifference?, findingCount: Int) {
        self.id = id
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.startedBy = startedBy
        self.outcome = outcome
        self.reason = reason
        self.requests = requests
        self.canvasURL = canvasURL
        self.snapshot = snapshot
        self.difference = difference
        self.findingCount = findingCount
    }

    public var milliseconds: Int { Int((finishedAt.timeIntervalSince(startedAt) * 1000).rounded()) }
}

/// Storage of syncs and their findings, and the lease that keeps one sync running across instances.
public protocol CanvasSyncRepository: Sendable {
    func record(_ sync: CanvasSync, findings: [CanvasFinding], by actor: Actor) async throws
    /// Newest first, without snapshots.
    func list(limit: Int) async throws -> [CanvasSync]
    func find(_ id: CanvasSync.ID) async throws -> CanvasSync?
    /// The newest sync that read something (complete or partial), with its snapshot.
    func latestRead() async throws -> CanvasSync?
    func findings(_ sync: CanvasSync.ID) async throws -> [CanvasFinding]
    /// Takes the named lease until `until`, unless another holder has it unexpired. True when taken.
    func acquireLease(_ name: String, holder: String, until: Date, now: Date) async throws -> Bool
    func releaseLease(_ name: String, holder: String) async throws
}
