import Foundation

/// What personal data Canvas sends an LTI tool, from least to most.
public enum LTIPrivacyLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case anonymous
    case nameOnly = "name_only"
    case emailOnly = "email_only"
    case `public`

    public var label: String {
        switch self {
        case .anonymous: "Anonymous (no names or e-mails)"
        case .nameOnly: "Name only"
        case .emailOnly: "E-mail only"
        case .public: "Public (names, e-mails, SIS ids, picture)"
        }
    }

    /// Names or e-mails reach the tool: FERPA personal data.
    public var sendsPersonalData: Bool { self != .anonymous }

    public static func < (lhs: LTIPrivacyLevel, rhs: LTIPrivacyLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// An LTI tool's configuration as Canvas would install it, from either LTI version.
public struct LTIConfiguration: Codable, Equatable, Sendable {
    public let ltiVersion: String
    public let title: String
    public let targetLinkURI: String?
    public let oidcInitiationURL: String?
    public let privacyLevel: LTIPrivacyLevel
    public let placements: [String]
    public let scopes: [String]
    public let domains: [String]

    public init(ltiVersion: String, title: String, targetLinkURI: String?, oidcInitiationURL: String?, privacyLevel: LTIPrivacyLevel,
                placements: [String], scopes: [String], domains: [String]) {
        self.ltiVersion = ltiVersion
        self.title = title
        self.targetLinkURI = targetLinkURI
        self.oidcInitiationURL = oidcInitiationURL
        self.privacyLevel = privacyLevel
        self.placements = Array(Set(placements)).sorted()
        self.scopes = Array(Set(scopes)).sorted()
        // Launch URLs' hosts count as domains too: that is where Canvas sends the data.
        let hosts = [targetLinkURI, oidcInitiationURL].compactMap { $0.flatMap { URLComponents(string: $0)?.host?.lowercased() } }
        self.domains = Array(Set(domains.map { $0.lowercased() } + hosts)).filter { !$0.isEmpty }.sorted()
    }

    /// LTI Advantage services in words ("Assignment and Grade Services: scores").
    public static func describe(scope: String) -> String {
        let known = [
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem": "Assignment and Grade Services: line items (create and change gradebook columns)",
            "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly": "Assignment and Grade Services: read line items",
            "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly": "Assignment and Grade Services: read results (grades)",
            "https://purl.imsglobal.org/spec/lti-ags/scope/score": "Assignment and Grade Services: post scores",
            "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly": "Names and Role Provisioning: read course rosters",
            "https://canvas.instructure.com/lti/public_jwk/scope/update": "Canvas: update the tool's public key",
            "https://canvas.instructure.com/lti/account_lookup/scope/show": "Canvas: look up account details",
            "https://canvas.instructure.com/lti/data_services/scope/create": "Canvas Data Services: subscribe to live events",
        ]
        return known[scope] ?? scope
    }

    /// How this configuration reaches further than `old`: more personal data, placements or scopes.
    public func widening(from old: LTIConfiguration) -> [String] {
        var changes: [String] = []
        if privacyLevel > old.privacyLevel { changes.append("privacy level \(old.privacyLevel.rawValue) → \(privacyLevel.rawValue)") }
        let newPlacements = Set(placements).subtracting(old.placements).sorted()
        if !newPlacements.isEmpty { changes.append("new placements: \(newPlacements.joined(separator: ", "))") }
        let newScopes = Set(scopes).subtracting(old.scopes).sorted()
        if !newScopes.isEmpty { changes.append("new scopes: \(newScopes.joined(separator: ", "))") }
        let newDomains = Set(domains).subtracting(old.domains).sorted()
        if !newDomains.isEmpty { changes.append("new domains: \(newDomains.joined(separator: ", "))") }
        return changes
    }
}

/// A tool configuration that cannot be accepted, with the reason in plain words.
public struct LTIConfigurationError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum LTIConfigurationParser {
    public static let maxBytes = 1_048_576
    public static let maxDepth = 32

    /// Reads either kind, by content: JSON for LTI 1.3, XML for LTI 1.1.
    public static func parse(_ bytes: [UInt8]) throws -> LTIConfiguration {
        guard !bytes.isEmpty else { throw LTIConfigurationError("The file is empty.") }
        guard bytes.count <= maxBytes else { throw LTIConfigurationError("The file is larger than 1 MB; a tool configuration is a few kilobytes.") }
        let start = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }.first
        switch start {
        case UInt8(ascii: "{"): return try parseJSON(bytes)
        case UInt8(ascii: "<"): return try LTIXMLConfiguration.parse(bytes)
        default: throw LTIConfigurationError("This is neither an LTI 1.3 JSON configuration nor an LTI 1.1 XML configuration.")
        }
    }

    static func parseJSON(_ bytes: [UInt8]) throws -> LTIConfiguration {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw LTIConfigurationError("The JSON could not be read.")
        }
        func string(_ dictionary: [String: Any], _ key: String) -> String? {
            (dictionary[key] as? String).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        }
        guard let title = string(object, "title") else { throw LTIConfigurationError("The configuration has no title.") }
        guard let target = string(object, "target_link_uri") else { throw LTIConfigurationError("The configuration has no target_link_uri.") }
        let scopes = (object["scopes"] as? [Any])?.compactMap { $0 as? String } ?? []
        let extensions = (object["extensions"] as? [[String: Any]]) ?? []
        let canvas = extensions.first { ($0["platform"] as? String) == "canvas.instructure.com" } ?? extensions.first ?? [:]
        let rawPrivacy = string(canvas, "privacy_level") ?? "anonymous"
        guard let privacy = LTIPrivacyLevel(rawValue: rawPrivacy) else {
            throw LTIConfigurationError("Unknown privacy_level “\(rawPrivacy)” (anonymous, name_only, email_only or public).")
        }
        let settings = canvas["settings"] as? [String: Any] ?? [:]
        var placements = ((settings["placements"] as? [[String: Any]]) ?? []).compactMap { $0["placement"] as? String }
        // Older exports list placements as keys of settings.
        for (key, value) in settings where value is [String: Any] && !["placements"].contains(key) { placements.append(key) }
        var domains = [string(canvas, "domain")].compactMap { $0 }
        for placement in (settings["placements"] as? [[String: Any]]) ?? [] {
            if let url = placement["target_link_uri"] as? String, let host = URLComponents(string: url)?.host { domains.append(host) }
        }
        return LTIConfiguration(ltiVersion: "1.3", title: title, targetLinkURI: target, oidcInitiationURL: string(object, "oidc_initiation_url"),
                                privacyLevel: privacy, placements: placements, scopes: scopes, domains: domains)
    }
}
