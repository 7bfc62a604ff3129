import Foundation

/// What one integration is allowed to call and how its requests are recognised in a log.
public struct DriftTarget: Equatable, Sendable {
    public struct Key: Equatable, Sendable {
        /// The Canvas developer key id as released (a 64-bit global id, kept as text).
        public let canvasKeyID: String
        /// Only keys that are on can be idle; requests with a key that is off are still attributed.
        public let isOn: Bool

        public init(canvasKeyID: String, isOn: Bool) {
            self.canvasKeyID = canvasKeyID
            self.isOn = isOn
        }
    }

    public struct Endpoint: Equatable, Sendable {
        public let verb: HTTPVerb
        public let template: String
        /// The route's place in Canvas's route table (nil for a whitelist's own template).
        public let order: Int?
        public let constraints: [RouteConstraint]

        public init(verb: HTTPVerb, template: String, order: Int? = nil, constraints: [RouteConstraint] = []) {
            self.verb = verb
            self.template = template
            self.order = order
            self.constraints = constraints
        }

        /// A catalog entry as the scanner matches it: in Canvas's route order, with its constraints.
        public init(_ entry: CatalogEntry) {
            self.init(verb: entry.verb, template: entry.template.text,
                      order: entry.order < CatalogEntry.unordered ? entry.order : nil, constraints: entry.constraints)
        }
    }

    public let integrationID: String
    public let name: String
    public let keys: [Key]
    public let serviceAccountUserIDs: [String]
    /// Case-insensitive substrings of the user agent the integration sends.
    public let userAgentPatterns: [String]
    public let whitelist: [Endpoint]
    public let allowIncludes: Bool

    public init(integrationID: String, name: String, keys: [Key], serviceAccountUserIDs: [String], userAgentPatterns: [String],
                whitelist: [Endpoint], allowIncludes: Bool) {
        self.integrationID = integrationID
        self.name = name
        self.keys = keys
        self.serviceAccountUserIDs = serviceAccountUserIDs
        self.userAgentPatterns = userAgentPatterns
        self.whitelist = whitelist
        self.allowIncludes = allowIncludes
    }
}

/// Everything a scan needs besides the log: the integrations, the catalog (to name endpoints nobody
/// whitelisted) and the other keys the institution knows (inherited keys), which are not "unknown".
public struct DriftSetup: Sendable {
    public var targets: [DriftTarget]
    public var catalog: [DriftTarget.Endpoint]
    public var otherKnownKeys: [String]
    public var columns: WebLogColumns

    public init(targets: [DriftTarget], catalog: [DriftTarget.Endpoint], otherKnownKeys: [String] = [], columns: WebLogColumns = WebLogColumns()) {
        self.targets = targets
        self.catalog = catalog
        self.otherKnownKeys = otherKnownKeys
        self.columns = columns
    }
}

public enum DriftFindingKind: String, Codable, Sendable, CaseIterable {
    /// A request to an endpoint the integration's approved whitelist does not list.
    case outOfScope = "out_of_scope"
    /// A request with `include[]` parameters although the key does not allow includes.
    case includeNotAllowed = "include_not_allowed"

    public var label: String {
        switch self {
        case .outOfScope: "Outside the approved whitelist"
        case .includeNotAllowed: "include[] used, not allowed"
        }
    }
}

/// One endpoint an integration called outside its scope, aggregated over the log.
public struct DriftFinding: Codable, Equatable, Sendable {
    public let kind: DriftFindingKind
    public let method: String
    /// The catalog's route template when the catalog knows the path, otherwise the path with
    /// identifiers replaced by `:id`.
    public let endpoint: String
    public let inCatalog: Bool
    public let count: Int
    public let firstSeen: String
    public let lastSeen: String
    public let sampleUserAgents: [String]
    public let samplePath: String

    public init(kind: DriftFindingKind, method: String, endpoint: String, inCatalog: Bool, count: Int, firstSeen: String, lastSeen: String,
                sampleUserAgents: [String], samplePath: String) {
        self.kind = kind
        self.method = method
        self.endpoint = endpoint
        self.inCatalog = inCatalog
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.sampleUserAgents = sampleUserAgents
        self.samplePath = samplePath
    }
}

public struct IntegrationDrift: Codable, Equatable, Sendable {
    public let integrationID: String
    public let name: String
    public let requests: Int
    public let inScope: Int
    public let outOfScope: Int
    public let includeFlagged: Int
    /// Requests that were not to `/api/…` (the OAuth token endpoint, page loads): not scope-checked.
    public let notAPI: Int
    public let findings: [DriftFinding]

    public init(integrationID: String, name: String, requests: Int, inScope: Int, outOfScope: Int, includeFlagged: Int, notAPI: Int, findings: [DriftFinding]) {
        self.integrationID = integrationID
        self.name = name
        self.requests = requests
        self.inScope = inScope
        self.outOfScope = outOfScope
        self.includeFlagged = includeFlagged
        self.notAPI = notAPI
        self.findings = findings
    }
}

public struct UnknownKeyUse: Codable, Equatable, Sendable {
    public let keyID: String
    public let count: Int
    public let firstSeen: String
    public let lastSeen: String
    public let sampleUserAgents: [String]

    public init(keyID: String, count: Int, firstSeen: String, lastSeen: String, sampleUserAgents: [String]) {
        self.keyID = keyID
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.sampleUserAgents = sampleUserAgents
    }
}

public struct IdleKey: Codable, Equatable, Sendable {
    public let keyID: String
    public let integrationID: String
    public let name: String

    public init(keyID: String, integrationID: String, name: String) {
        self.keyID = keyID
        self.integrationID = integrationID
        self.name = name
    }
}

public struct MalformedRow: Codable, Equatable, Sendable {
    /// The file's name when a scan read several (empty for a single unnamed stream).
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String = "", line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }
}

/// The result of scanning one or more log files.
public struct DriftReport: Codable, Equatable, Sendable {
    public var rows: Int
    public var malformed: Int
    /// The first malformed rows (at most `DriftScanner.malformedSampleLimit`), with line numbers.
    public var malformedSamples: [MalformedRow]
    public var attributed: Int
    public var unattributed: Int
    /// OPTIONS requests and methods Canvas does not route (never scope-checked).
    public var ignored: Int
    /// Rows with an inherited (known, not ours) key that no integration claimed.
    public var otherKnownKeyRequests: Int
    public var firstSeen: String?
    public var lastSeen: String?
    public var integrations: [IntegrationDrift]
    public var unknownKeys: [UnknownKeyUse]
    /// Distinct unknown keys beyond what is listed (memory stays bounded for any log).
    public var unknownKeysNotListed: Int
    public var idleKeys: [IdleKey]
    /// Findings dropped because too many distinct ones were seen (bounded memory); their rows still count.
    public var findingsNotListed: Int

    public init(rows: Int, malformed: Int, malformedSamples: [MalformedRow], attributed: Int, unattributed: Int, ignored: Int, otherKnownKeyRequests: Int,
                firstSeen: String?, lastSeen: String?, integrations: [IntegrationDrift], unknownKeys: [UnknownKeyUse], unknownKeysNotListed: Int,
                idleKeys: [IdleKey], findingsNotListed: Int) {
        self.rows = rows
        self.malformed = malformed
        self.malformedSamples = malformedSamples
        self.attributed = attributed
        self.unattributed = unattributed
        self.ignored = ignored
        self.otherKnownKeyRequests = otherKnownKeyRequests
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.integrations = integrations
        self.unknownKeys = unknownKeys
        self.unknownKeysNotListed = unknownKeysNotListed
        self.idleKeys = idleKeys
        self.findingsNotListed = findingsNotListed
    }

    public var outOfScopeTotal: Int { integrations.reduce(0) { $0 + $1.outOfScope } }
    /// The findings list stopped at `DriftScanner.findingLimit` distinct findings; the counts stay exact.
    public var findingsListCut: Bool { findingsNotListed > 0 }
    /// What to say when the list was cut, on the page, in the command's output and in JSON.
    public var findingsCutNotice: String? {
        guard findingsListCut else { return nil }
        return "The findings list was cut at \(DriftScanner.findingLimit.formatted()) distinct findings: \(findingsNotListed.formatted()) more out-of-scope or include[] requests "
            + "went to endpoints not listed here. Every count above is still exact; narrow the log (fewer days or one integration) to list them all."
    }
    public var findingCount: Int { integrations.reduce(0) { $0 + $1.findings.count } }
}

extension IntegrationDrift {
    /// The same counts with other findings (storage keeps findings in rows of their own).
    public func with(findings: [DriftFinding]) -> IntegrationDrift {
        IntegrationDrift(integrationID: integrationID, name: name, requests: requests, inScope: inScope, outOfScope: outOfScope,
                         includeFlagged: includeFlagged, notAPI: notAPI, findings: findings)
    }
}

extension Array where Element == DriftFinding {
    /// Most requests first; ties by kind, method and endpoint, so every listing reads the same.
    public func ordered() -> [DriftFinding] {
        sorted { ($0.count, $1.kind.rawValue, $1.method, $1.endpoint) > ($1.count, $0.kind.rawValue, $0.method, $0.endpoint) }
    }
}
