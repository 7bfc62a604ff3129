import Foundation

/// Whether a developer key in Canvas is exactly the key that was approved: the whitelist's scopes and
/// no others, scopes enforced, include parameters as approved, and a key that can be switched on.
public enum KeyMatch {
    /// Each difference in words, empty when the key matches.
    public static func differences(_ key: CanvasDeveloperKey, approvedScopes: [String], allowIncludes: Bool) -> [String] {
        var found: [String] = []
        if key.inherited { found.append("it is inherited (\(key.inheritedFrom ?? "global")), so this account cannot vouch for its scopes") }
        if key.workflowState != "active" { found.append("the key itself is \(key.workflowState), not active") }
        if key.requireScopes != true { found.append("“Enforce scopes” is off, so its tokens reach every API the user can") }
        let approved = Set(approvedScopes), actual = Set(key.scopes ?? [])
        let extra = actual.subtracting(approved).sorted(), missing = approved.subtracting(actual).sorted()
        if !extra.isEmpty { found.append("scopes not approved: \(list(extra))") }
        if !missing.isEmpty { found.append("approved scopes missing: \(list(missing))") }
        if (key.allowIncludes ?? false) != allowIncludes {
            found.append(allowIncludes ? "“Allow include parameters” is off, but was approved on" : "“Allow include parameters” is on, but was not approved")
        }
        return found
    }

    private static func list(_ scopes: [String]) -> String {
        scopes.count <= 5 ? scopes.joined(separator: ", ") : scopes.prefix(5).joined(separator: ", ") + " and \(scopes.count - 5) more"
    }
}

/// What the policy does when a key should not be on (`enforce.auto_off` in data/policy.yaml).
public enum AutoOff: String, CaseIterable, Codable, Sendable {
    /// Report only (the findings and the gate flag say it).
    case never
    /// Put a one-click "switch off in Canvas" on the dashboard and mail the owner and admins.
    case propose
    /// Switch it off and mail them.
    case automatic
}

/// Why the policy wants a key off: a lapsed gate of a released key, or a sync finding that says a key
/// is on when it should not be.
public struct SwitchOffCause: Equatable, Sendable {
    public let keyID: String
    public let keyName: String
    public let reason: String
    public let integrationID: Integration.ID?
    public let releaseID: KeyRelease.ID?
    public let findingKind: CanvasFindingKind?

    public init(keyID: String, keyName: String, reason: String, integrationID: Integration.ID?, releaseID: KeyRelease.ID?, findingKind: CanvasFindingKind?) {
        self.keyID = keyID
        self.keyName = keyName
        self.reason = reason
        self.integrationID = integrationID
        self.releaseID = releaseID
        self.findingKind = findingKind
    }

    /// The finding kinds that mean "this key is on and should not be".
    public static let findingKinds: Set<CanvasFindingKind> = [.keyOnWithoutRelease, .keyScopesWider, .keyOnAfterOff]

    /// One cause per key: the sync's findings of those kinds, and released keys whose gate lapsed while
    /// Canvas (as last seen) has them on. Keys Canvas last showed off are left out.
    public static func causes(findings: [CanvasFinding], lapsed: [(KeyRelease, Integration)], keysOn: Set<String>?) -> [SwitchOffCause] {
        var causes: [String: SwitchOffCause] = [:]
        for finding in findings where findingKinds.contains(finding.kind) && finding.objectKind == .developerKey && CanvasWriteTarget.isCanvasID(finding.objectID) {
            guard causes[finding.objectID] == nil else { continue }
            causes[finding.objectID] = SwitchOffCause(
                keyID: finding.objectID, keyName: finding.objectName, reason: "Canvas sync: \(finding.kind.label.lowercased()) — \(finding.canvasSays)",
                integrationID: finding.integrationID.flatMap(Integration.ID.init(string:)), releaseID: nil, findingKind: finding.kind)
        }
        for (release, integration) in lapsed {
            guard let lapse = release.gateLapse, let keyID = release.details?.canvasKeyID, causes[keyID] == nil else { continue }
            if let keysOn, !keysOn.contains(keyID) { continue }
            causes[keyID] = SwitchOffCause(keyID: keyID, keyName: "of \(integration.fields.name) (\(keyID))",
                                           reason: "the issuance gate is no longer met: \(lapse.reason)", integrationID: integration.id, releaseID: release.id,
                                           findingKind: nil)
        }
        return causes.values.sorted { $0.keyID < $1.keyID }
    }
}

/// The LTI registrations in a sync that are one integration's tool, by the sync's own rules: its
/// released key, a tool of the registration on one of the integration's reviewed domains, or its name.
public enum RegistrationMatch {
    public static func registrations(of integration: Integration, in snapshot: CanvasSnapshot, domains: [String],
                                     releasedKeys: Set<String>) -> [CanvasLTIRegistration] {
        guard integration.fields.kind == .lti13 || integration.fields.kind == .lti11 else { return [] }
        let domains = Set(domains.map { $0.lowercased() })
        let name = integration.fields.name.lowercased()
        return snapshot.registrations.filter { registration in
            guard registration.workflowState != "deleted", !registration.inherited else { return false }
            if let key = registration.developerKeyID, releasedKeys.contains(key) { return true }
            if snapshot.tools.contains(where: { $0.registrationID == registration.id && ($0.domain.map { domains.contains($0.lowercased()) } ?? false) }) { return true }
            return registration.name.lowercased() == name
        }
    }
}
