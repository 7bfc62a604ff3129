import Foundation

/// What a sync can find when it holds Canvas up against the records.
public enum CanvasFindingKind: String, CaseIterable, Codable, Sendable {
    case keyOnWithoutRelease = "key_on_without_release"
    case keyUnscoped = "key_unscoped"
    case keyScopesWider = "key_scopes_wider"
    case keyIncludesAllowed = "key_includes_allowed"
    case releasedKeyNotOn = "released_key_not_on"
    case keyOnAfterOff = "key_on_after_off"
    case inheritedKeyUnreviewed = "inherited_key_unreviewed"
    case keyIdle = "key_idle"
    case toolPrivacyWider = "tool_privacy_wider"
    case toolPlacementsWider = "tool_placements_wider"
    case toolScopesWider = "tool_scopes_wider"
    case toolUnreviewed = "tool_unreviewed"
    case tokenPolicy = "token_policy"

    public var label: String {
        switch self {
        case .keyOnWithoutRelease: "Key on without a release"
        case .keyUnscoped: "Released key is unscoped"
        case .keyScopesWider: "Key has scopes beyond its release"
        case .keyIncludesAllowed: "Key allows include parameters"
        case .releasedKeyNotOn: "Released key is not on"
        case .keyOnAfterOff: "Key on after it was turned off"
        case .inheritedKeyUnreviewed: "Inherited key nobody reviewed"
        case .keyIdle: "Key on but unused"
        case .toolPrivacyWider: "Tool sends more personal data than reviewed"
        case .toolPlacementsWider: "Tool has placements beyond its review"
        case .toolScopesWider: "Tool has LTI scopes beyond its review"
        case .toolUnreviewed: "Tool matches no integration"
        case .tokenPolicy: "Token breaks the token policy"
        }
    }
}

/// What kind of Canvas object a finding is about, so pages can offer to link or start an integration.
public enum CanvasObjectKind: String, Codable, Sendable {
    case developerKey = "developer_key"
    case tool
    case registration
    case token
}

public struct CanvasFinding: Codable, Equatable, Sendable {
    public let kind: CanvasFindingKind
    public let severity: FindingSeverity
    public let integrationID: String?
    public let integrationName: String?
    public let objectKind: CanvasObjectKind
    public let objectID: String
    public let objectName: String
    /// What Canvas shows.
    public let canvasSays: String
    /// What the records here say was approved.
    public let approved: String
    /// The action that fixes it.
    public let fix: String

    public init(kind: CanvasFindingKind, severity: FindingSeverity, integrationID: String? = nil, integrationName: String? = nil, objectKind: CanvasObjectKind,
                objectID: String, objectName: String, canvasSays: String, approved: String, fix: String) {
        self.kind = kind
        self.severity = severity
        self.integrationID = integrationID
        self.integrationName = integrationName
        self.objectKind = objectKind
        self.objectID = objectID
        self.objectName = objectName
        self.canvasSays = canvasSays
        self.approved = approved
        self.fix = fix
    }

    /// Worst first, then by kind and object, so lists and exports read the same every time.
    public static func ordered(_ findings: [CanvasFinding]) -> [CanvasFinding] {
        findings.sorted { a, b in
            if a.severity != b.severity { return a.severity < b.severity }
            return (a.kind.rawValue, a.objectName, a.objectID) < (b.kind.rawValue, b.objectName, b.objectID)
        }
    }
}
