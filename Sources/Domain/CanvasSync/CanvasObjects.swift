import Foundation

/// An account binding's state for a developer key or LTI registration: `allow` defers to sub-accounts.
public enum CanvasBindingState: String, Codable, Sendable, CaseIterable {
    case on, off, allow
}

/// A developer key as one sync read it. Canvas ids are global (`10000000000123`) or shard-aware (`1~23`),
/// so every id stays a string. Inherited (global) keys arrive without scopes, e-mail or vendor code:
/// those fields are nil, not empty, unless the developer key report filled them in.
public struct CanvasDeveloperKey: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    /// The key's own state: active, inactive or deleted.
    public var workflowState: String
    public var binding: CanvasBindingState?
    public var accountOwnsBinding: Bool?
    public var inherited: Bool
    public var inheritedFrom: String?
    public var scopes: [String]?
    /// False means unscoped: tokens reach everything the authorising user can.
    public var requireScopes: Bool?
    public var allowIncludes: Bool?
    public var redirectURIs: [String]
    public var isLTIKey: Bool
    public var accessTokenCount: Int?
    public var lastUsedAt: Date?
    public var createdAt: Date?
    public var vendorCode: String?
    public var email: String?

    public init(id: String, name: String, workflowState: String, binding: CanvasBindingState?, accountOwnsBinding: Bool? = nil, inherited: Bool = false,
                inheritedFrom: String? = nil, scopes: [String]? = nil, requireScopes: Bool? = nil, allowIncludes: Bool? = nil, redirectURIs: [String] = [],
                isLTIKey: Bool = false, accessTokenCount: Int? = nil, lastUsedAt: Date? = nil, createdAt: Date? = nil, vendorCode: String? = nil,
                email: String? = nil) {
        self.id = id
        self.name = name
        self.workflowState = workflowState
        self.binding = binding
        self.accountOwnsBinding = accountOwnsBinding
        self.inherited = inherited
        self.inheritedFrom = inheritedFrom
        self.scopes = scopes
        self.requireScopes = requireScopes
        self.allowIncludes = allowIncludes
        self.redirectURIs = redirectURIs
        self.isLTIKey = isLTIKey
        self.accessTokenCount = accessTokenCount
        self.lastUsedAt = lastUsedAt
        self.createdAt = createdAt
        self.vendorCode = vendorCode
        self.email = email
    }

    /// Canvas issues and honours tokens only when the binding is on and the key itself is active.
    public var isEffectivelyOn: Bool { binding == .on && workflowState == "active" }

    /// Known to be unscoped (inherited keys without a report are unknown, not unscoped).
    public var isUnscoped: Bool { requireScopes == false }

    /// The special key every manual user token hangs off; the token register covers it.
    public var isUserGenerated: Bool { name == "User-Generated" }

    /// How the key reads in a finding: “Ledgerly sync” (10000000000123).
    public var label: String { "“\(name)” (\(id))" }

    /// A one-line state for pages: "on, active, 12 scopes".
    public var stateText: String {
        var parts = ["binding \(binding?.rawValue ?? "unknown")", workflowState]
        if let scopes { parts.append(requireScopes == false ? "unscoped" : "\(scopes.count) scope\(scopes.count == 1 ? "" : "s")") }
        else if requireScopes == false { parts.append("unscoped") }
        return parts.joined(separator: ", ")
    }
}

/// An LTI registration (Canvas's newer Apps page), with the configuration after the admin's overlay.
public struct CanvasLTIRegistration: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var vendor: String?
    public var developerKeyID: String?
    public var inherited: Bool
    public var workflowState: String
    public var binding: CanvasBindingState?
    public var privacyLevel: String?
    public var scopes: [String]
    public var placements: [String]

    public init(id: String, name: String, vendor: String? = nil, developerKeyID: String? = nil, inherited: Bool = false, workflowState: String = "active",
                binding: CanvasBindingState? = nil, privacyLevel: String? = nil, scopes: [String] = [], placements: [String] = []) {
        self.id = id
        self.name = name
        self.vendor = vendor
        self.developerKeyID = developerKeyID
        self.inherited = inherited
        self.workflowState = workflowState
        self.binding = binding
        self.privacyLevel = privacyLevel
        self.scopes = scopes
        self.placements = placements
    }
}

/// An external tool installed in one account (the root or a sub-account) or a course.
public struct CanvasTool: Codable, Equatable, Sendable {
    public var id: String
    /// `account:<id>` or `course:<id>`.
    public var context: String
    public var name: String
    public var domain: String?
    public var url: String?
    public var privacyLevel: String?
    public var workflowState: String
    public var developerKeyID: String?
    public var registrationID: String?
    public var deploymentID: String?
    public var version: String?
    public var placements: [String]

    public init(id: String, context: String, name: String, domain: String? = nil, url: String? = nil, privacyLevel: String? = nil, workflowState: String = "public",
                developerKeyID: String? = nil, registrationID: String? = nil, deploymentID: String? = nil, version: String? = nil, placements: [String] = []) {
        self.id = id
        self.context = context
        self.name = name
        self.domain = domain
        self.url = url
        self.privacyLevel = privacyLevel
        self.workflowState = workflowState
        self.developerKeyID = developerKeyID
        self.registrationID = registrationID
        self.deploymentID = deploymentID
        self.version = version
        self.placements = placements
    }

    public var isInstalled: Bool { workflowState != "deleted" }
    public var privacy: LTIPrivacyLevel? { privacyLevel.flatMap(LTIPrivacyLevel.init(rawValue:)) }
    public var label: String { "“\(name)” (\(context))" }
}

/// A user-generated access token's metadata (never its value; the `visible_token` hint is not kept).
public struct CanvasUserToken: Codable, Equatable, Sendable {
    public var id: String
    public var userID: String
    public var purpose: String?
    public var createdAt: Date?
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var workflowState: String
    public var scopes: [String]
    /// What the register knows of the holder (service account of an integration, or a recorded role).
    public var holderRole: TokenHolderRole
    public var integrationID: String?

    public init(id: String, userID: String, purpose: String? = nil, createdAt: Date? = nil, expiresAt: Date? = nil, lastUsedAt: Date? = nil,
                workflowState: String = "active", scopes: [String] = [], holderRole: TokenHolderRole = .unknown, integrationID: String? = nil) {
        self.id = id
        self.userID = userID
        self.purpose = purpose
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.workflowState = workflowState
        self.scopes = scopes
        self.holderRole = holderRole
        self.integrationID = integrationID
    }

    public var isActive: Bool { workflowState == "active" }
}

/// A Canvas account the sync walked (the root and its sub-accounts).
public struct CanvasAccount: Codable, Equatable, Sendable {
    public var id: String
    public var name: String
    public var parentAccountID: String?

    public init(id: String, name: String, parentAccountID: String? = nil) {
        self.id = id
        self.name = name
        self.parentAccountID = parentAccountID
    }
}
