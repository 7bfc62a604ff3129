import Foundation

/// What the records here say, gathered once for a comparison.
public struct CanvasRecords: Sendable {
    public var integrations: [Integration]
    /// Releases that carried a Canvas key (released, off, retired), any order.
    public var releases: [KeyRelease]
    public var inheritedKeys: [InheritedKey]
    /// Each LTI integration's newest reviewed configuration.
    public var lti: [Integration.ID: LTIConfiguration]

    public init(integrations: [Integration], releases: [KeyRelease], inheritedKeys: [InheritedKey], lti: [Integration.ID: LTIConfiguration]) {
        self.integrations = integrations
        self.releases = releases
        self.inheritedKeys = inheritedKeys
        self.lti = lti
    }
}

/// Holds what one sync read up against the records and lists what does not match, with the fix.
/// Pure and linear in the number of objects: everything is looked up in dictionaries built once.
public enum CanvasComparison {
    public static func findings(_ snapshot: CanvasSnapshot, records: CanvasRecords, policy: Policy, now: Date) -> [CanvasFinding] {
        var found: [CanvasFinding] = []
        let integrations = Dictionary(records.integrations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // The newest release naming each Canvas key decides what the records say about it.
        var releaseByKey: [String: KeyRelease] = [:]
        for release in records.releases {
            guard let key = release.details?.canvasKeyID else { continue }
            if let existing = releaseByKey[key], existing.requestedAt >= release.requestedAt { continue }
            releaseByKey[key] = release
        }
        func integration(_ release: KeyRelease) -> (id: String, name: String) {
            (release.integrationID.description, integrations[release.integrationID]?.fields.name ?? "an integration")
        }

        if snapshot.didRead(.developerKeys) {
            let own = snapshot.keys.filter { !$0.inherited }
            let byID = Dictionary(snapshot.keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for key in own where !key.isUserGenerated {
                found += keyFindings(key, release: releaseByKey[key.id], integration: releaseByKey[key.id].map(integration), policy: policy, now: now)
            }
            // Released keys Canvas no longer shows on.
            for (keyID, release) in releaseByKey where release.state == .released {
                let (id, name) = integration(release)
                guard let key = byID[keyID] else {
                    // An inherited key is only known when that part was read too.
                    if snapshot.didRead(.inheritedKeys) {
                        found.append(CanvasFinding(kind: .releasedKeyNotOn, severity: .medium, integrationID: id, integrationName: name, objectKind: .developerKey,
                                                   objectID: keyID, objectName: "key \(keyID)", canvasSays: "No developer key with this id in the account.",
                                                   approved: "Released as Canvas key \(keyID).",
                                                   fix: "Check the key id on the release, or retire the release if the key was deleted in Canvas."))
                    }
                    continue
                }
                if !key.isEffectivelyOn {
                    found.append(CanvasFinding(kind: .releasedKeyNotOn, severity: .medium, integrationID: id, integrationName: name, objectKind: .developerKey,
                                               objectID: key.id, objectName: key.name, canvasSays: "The key is \(key.stateText).", approved: "Released and on.",
                                               fix: "Turn the key on in Canvas (Admin › Developer Keys), or turn the release off here if it should stay off."))
                }
            }
        }
        if snapshot.didRead(.inheritedKeys) {
            let reviewed = Dictionary(records.inheritedKeys.compactMap { key in key.fields.canvasKeyID.map { ($0, key) } }, uniquingKeysWith: { first, _ in first })
            for key in snapshot.keys where key.inherited && !key.isUserGenerated && key.workflowState == "active" {
                if let release = releaseByKey[key.id] {
                    found += keyFindings(key, release: release, integration: integration(release), policy: policy, now: now)
                    continue
                }
                guard key.binding == .on || key.binding == .allow, reviewed[key.id]?.fields.reviewed != true else { continue }
                let dependents = reviewed[key.id]?.fields.dependents.compactMap { integrations[$0]?.fields.name } ?? []
                found.append(CanvasFinding(
                    kind: .inheritedKeyUnreviewed, severity: key.binding == .on ? (key.isUnscoped ? .critical : .high) : .medium,
                    integrationID: nil, integrationName: dependents.first, objectKind: .developerKey, objectID: key.id, objectName: key.name,
                    canvasSays: "Inherited from \(key.inheritedFrom ?? "a parent account"), \(key.stateText)\(key.scopes.map { $0.isEmpty ? "" : ": " + $0.joined(separator: ", ") } ?? "").",
                    approved: reviewed[key.id] == nil ? "Was not in the inherited-key inventory (added by this sync, unreviewed)." : "In the inventory, not marked reviewed.",
                    fix: key.binding == .on
                        ? "Review it in the inherited-key inventory, or switch its binding off in Canvas (Admin › Developer Keys › Inherited)."
                        : "Review it, or set it to off so sub-accounts cannot turn it on."))
            }
        }

        found += toolFindings(snapshot, records: records, integrations: integrations, releaseByKey: releaseByKey)

        if snapshot.didRead(.userTokens) {
            for token in snapshot.tokens where token.isActive {
                let registered = RegisteredToken(
                    id: placeholderID,
                    fields: RegisteredTokenFields(holder: "Canvas user \(token.userID)", role: token.holderRole, purpose: token.purpose,
                                                  createdOn: CalendarDay.of(token.createdAt ?? now), expiresOn: token.expiresAt.map(CalendarDay.of),
                                                  lastUsedOn: token.lastUsedAt.map(CalendarDay.of), workflowState: token.workflowState),
                    source: "canvas", createdAt: now)
                for violation in TokenPolicy.violations(registered, policy: policy) {
                    found.append(CanvasFinding(kind: .tokenPolicy, severity: .medium, integrationID: token.integrationID, integrationName: nil, objectKind: .token,
                                               objectID: token.id, objectName: "token \(token.id) of user \(token.userID)",
                                               canvasSays: violation.detail, approved: violation.rule,
                                               fix: "Ask the holder to replace it with a token that meets the policy, or delete it in Canvas (People › user › Access tokens)."))
                }
            }
        }
        return CanvasFinding.ordered(found)
    }

    private static let placeholderID = RegisteredToken.ID(UUID(uuidString: "00000000-0000-0000-0000-000000000000")!)

    /// The findings about one key: on without a release, on after off, or wider than released.
    static func keyFindings(_ key: CanvasDeveloperKey, release: KeyRelease?, integration: (id: String, name: String)?, policy: Policy, now: Date) -> [CanvasFinding] {
        var found: [CanvasFinding] = []
        guard key.isEffectivelyOn else { return [] }
        let scopes = key.scopes ?? []
        switch release?.state {
        case .released?:
            let details = release?.details
            if key.isUnscoped {
                found.append(CanvasFinding(kind: .keyUnscoped, severity: .critical, integrationID: integration?.id, integrationName: integration?.name,
                                           objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                           canvasSays: "“Enforce scopes” is off: tokens reach everything their user can.",
                                           approved: "\(details?.scopes.count ?? 0) released scope(s).",
                                           fix: "Turn on “Enforce scopes” for the key in Canvas and select only the released scopes."))
            } else {
                let released = Set(details?.scopes ?? [])
                let wider = scopes.filter { !released.contains($0) }
                if !wider.isEmpty {
                    found.append(CanvasFinding(kind: .keyScopesWider, severity: .high, integrationID: integration?.id, integrationName: integration?.name,
                                               objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                               canvasSays: "Scopes not released: \(wider.joined(separator: ", ")).",
                                               approved: "\(released.count) released scope(s).",
                                               fix: "Remove the extra scopes from the key in Canvas (this ends its tokens), or review and release them here."))
                }
            }
            if key.allowIncludes == true && details?.allowIncludeParameters == false {
                found.append(CanvasFinding(kind: .keyIncludesAllowed, severity: .medium, integrationID: integration?.id, integrationName: integration?.name,
                                           objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                           canvasSays: "“Allow include parameters” is on.", approved: "Released without include parameters.",
                                           fix: "Turn off “Allow include parameters” for the key in Canvas."))
            }
        case .off?, .retired?:
            found.append(CanvasFinding(kind: .keyOnAfterOff, severity: .critical, integrationID: integration?.id, integrationName: integration?.name,
                                       objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                       canvasSays: "The key is \(key.stateText).", approved: "Turned \(release?.state == .retired ? "retired" : "off") here.",
                                       fix: "Switch the key's binding off in Canvas (Admin › Developer Keys), or request a new release if it should be on."))
        default:
            guard !key.inherited else { break }
            found.append(CanvasFinding(kind: .keyOnWithoutRelease, severity: key.isUnscoped ? .critical : .high, integrationID: nil, integrationName: nil,
                                       objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                       canvasSays: "On, \(key.isUnscoped ? "unscoped" : "\(scopes.count) scope(s)")\(key.vendorCode.map { ", vendor code \($0)" } ?? "")\(key.accessTokenCount.map { ", \($0) token(s)" } ?? "").",
                                       approved: "No confirmed release of this key.",
                                       fix: "Link it to its integration and release it through the gate, or switch it off in Canvas."))
        }
        let idleSince = key.lastUsedAt ?? key.createdAt
        if let idleSince, now.timeIntervalSince(idleSince) > Double(policy.canvasKeyIdleDays) * 86_400 {
            let days = Int(now.timeIntervalSince(idleSince) / 86_400)
            found.append(CanvasFinding(kind: .keyIdle, severity: .low, integrationID: integration?.id, integrationName: integration?.name,
                                       objectKind: .developerKey, objectID: key.id, objectName: key.name,
                                       canvasSays: key.lastUsedAt == nil ? "On and never used in \(days) days." : "On, last used \(days) days ago.",
                                       approved: "Policy: keys unused for \(policy.canvasKeyIdleDays) days are switched off.",
                                       fix: "Ask the owner whether it is still needed; switch it off in Canvas if not."))
        }
        return found
    }

    /// Tools and registrations against the LTI integrations' reviewed configurations.
    static func toolFindings(_ snapshot: CanvasSnapshot, records: CanvasRecords, integrations: [Integration.ID: Integration],
                             releaseByKey: [String: KeyRelease]) -> [CanvasFinding] {
        guard snapshot.didRead(.externalTools) || snapshot.didRead(.ltiRegistrations) else { return [] }
        let ltiIntegrations = records.integrations.filter { $0.fields.kind == .lti13 || $0.fields.kind == .lti11 }
        var byDomain: [String: Integration] = [:]
        var byName: [String: Integration] = [:]
        for integration in ltiIntegrations {
            byName[integration.fields.name.lowercased()] = byName[integration.fields.name.lowercased()] ?? integration
            for domain in records.lti[integration.id]?.domains ?? [] { byDomain[domain.lowercased()] = byDomain[domain.lowercased()] ?? integration }
        }
        let registrations = Dictionary(snapshot.registrations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        func match(developerKeyID: String?, domain: String?, name: String) -> Integration? {
            if let key = developerKeyID, let release = releaseByKey[key], let integration = integrations[release.integrationID] { return integration }
            if let domain = domain?.lowercased(), let integration = byDomain[domain] { return integration }
            return byName[name.lowercased()]
        }
        var found: [CanvasFinding] = []
        struct Seen: Hashable { let integration: String; let kind: CanvasFindingKind; let detail: String }
        var seen = Set<Seen>()
        var unmatched: [String: (count: Int, sample: CanvasTool)] = [:]
        func compare(name: String, objectKind: CanvasObjectKind, objectID: String, privacy: String?, placements: [String], scopes: [String]?, where place: String,
                     integration: Integration) {
            guard let reviewed = records.lti[integration.id] else { return }
            let id = integration.id.description, integrationName = integration.fields.name
            if let privacy = privacy.flatMap(LTIPrivacyLevel.init(rawValue:)), privacy > reviewed.privacyLevel,
               seen.insert(Seen(integration: id, kind: .toolPrivacyWider, detail: privacy.rawValue)).inserted {
                found.append(CanvasFinding(kind: .toolPrivacyWider, severity: .high, integrationID: id, integrationName: integrationName, objectKind: objectKind,
                                           objectID: objectID, objectName: name, canvasSays: "Privacy level \(privacy.rawValue) in \(place).",
                                           approved: "Reviewed at \(reviewed.privacyLevel.rawValue).",
                                           fix: "Lower the tool's privacy level in Canvas, or import its new configuration and review it."))
            }
            let wider = placements.filter { !reviewed.placements.contains($0) }.sorted()
            if !wider.isEmpty, seen.insert(Seen(integration: id, kind: .toolPlacementsWider, detail: wider.joined(separator: ","))).inserted {
                found.append(CanvasFinding(kind: .toolPlacementsWider, severity: .medium, integrationID: id, integrationName: integrationName, objectKind: objectKind,
                                           objectID: objectID, objectName: name, canvasSays: "Placements not reviewed: \(wider.joined(separator: ", ")) in \(place).",
                                           approved: "Reviewed placements: \(reviewed.placements.isEmpty ? "none" : reviewed.placements.joined(separator: ", ")).",
                                           fix: "Disable the extra placements in Canvas, or import the configuration and review them."))
            }
            let widerScopes = (scopes ?? []).filter { !reviewed.scopes.contains($0) }.sorted()
            if !widerScopes.isEmpty, seen.insert(Seen(integration: id, kind: .toolScopesWider, detail: widerScopes.joined(separator: ","))).inserted {
                found.append(CanvasFinding(kind: .toolScopesWider, severity: .high, integrationID: id, integrationName: integrationName, objectKind: objectKind,
                                           objectID: objectID, objectName: name, canvasSays: "LTI scopes not reviewed: \(widerScopes.joined(separator: ", ")).",
                                           approved: "Reviewed LTI scopes: \(reviewed.scopes.isEmpty ? "none" : reviewed.scopes.joined(separator: ", ")).",
                                           fix: "Remove the scopes in the registration's overlay in Canvas, or review them here."))
            }
        }
        if snapshot.didRead(.ltiRegistrations) {
            for registration in snapshot.registrations where registration.workflowState != "deleted" && registration.binding != .off {
                if let integration = match(developerKeyID: registration.developerKeyID, domain: nil, name: registration.name) {
                    compare(name: registration.name, objectKind: .registration, objectID: registration.id, privacy: registration.privacyLevel,
                            placements: registration.placements, scopes: registration.scopes, where: "the registration", integration: integration)
                } else if !snapshot.tools.contains(where: { $0.registrationID == registration.id }) {
                    let tool = CanvasTool(id: registration.id, context: "registration", name: registration.name, privacyLevel: registration.privacyLevel,
                                          developerKeyID: registration.developerKeyID, registrationID: registration.id, placements: registration.placements)
                    unmatched[registration.name.lowercased(), default: (0, tool)].count += 1
                }
            }
        }
        if snapshot.didRead(.externalTools) {
            for tool in snapshot.tools where tool.isInstalled {
                let registration = tool.registrationID.flatMap { registrations[$0] }
                if let integration = match(developerKeyID: tool.developerKeyID ?? registration?.developerKeyID, domain: tool.domain, name: tool.name) {
                    compare(name: tool.name, objectKind: .tool, objectID: tool.id, privacy: tool.privacyLevel, placements: tool.placements,
                            scopes: registration?.scopes, where: tool.context, integration: integration)
                } else {
                    unmatched[(tool.domain ?? tool.name).lowercased(), default: (0, tool)].count += 1
                }
            }
        }
        for (_, entry) in unmatched {
            let tool = entry.sample
            let privacy = tool.privacy
            found.append(CanvasFinding(
                kind: .toolUnreviewed, severity: (privacy?.sendsPersonalData ?? true) ? .high : .medium, objectKind: tool.context == "registration" ? .registration : .tool,
                objectID: tool.id, objectName: tool.name,
                canvasSays: "Installed \(entry.count == 1 ? "in \(tool.context)" : "in \(entry.count) places")\(tool.domain.map { ", domain \($0)" } ?? ""), privacy \(tool.privacyLevel ?? "unknown")\(tool.placements.isEmpty ? "" : ", placements \(tool.placements.joined(separator: ", "))").",
                approved: "No integration reviews this tool.",
                fix: "Link it to its integration, or start an integration from it and review it."))
        }
        return found
    }
}
