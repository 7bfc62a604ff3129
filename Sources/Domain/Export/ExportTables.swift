import Foundation

/// One column of an exported table: its header and how its cell is read from a row, side by side,
/// so a header can never drift from its cells.
public struct ExportColumn<Row>: Sendable {
    public let header: String
    let cell: @Sendable (Row) -> String

    public init(_ header: String, _ cell: @escaping @Sendable (Row) -> String) {
        self.header = header
        self.cell = cell
    }
}

/// One exported table (`csv/<name>.csv` and a key of `records.json`): a typed row per record.
public struct ExportTable<Row>: Sendable {
    public let name: String
    public let columns: [ExportColumn<Row>]

    public init(_ name: String, _ columns: [ExportColumn<Row>]) {
        self.name = name
        self.columns = columns
    }

    public var header: [String] { columns.map(\.header) }
    public func cells(_ row: Row) -> [String] { columns.map { $0.cell(row) } }
}

/// A whitelist entry with the version it belongs to, as exported (every version, not only the current).
public struct ExportedWhitelistEntry: Sendable {
    public let integrationID: Integration.ID
    public let version: WhitelistVersion
    public let entry: WhitelistEntry

    public init(integrationID: Integration.ID, version: WhitelistVersion, entry: WhitelistEntry) {
        self.integrationID = integrationID
        self.version = version
        self.entry = entry
    }
}

/// The tables of an auditor export, in the order they are written.
/// A Canvas finding with the sync that found it.
public struct ExportedCanvasFinding: Sendable {
    public let syncID: CanvasSync.ID
    public let finding: CanvasFinding

    public init(syncID: CanvasSync.ID, finding: CanvasFinding) {
        self.syncID = syncID
        self.finding = finding
    }
}

public enum ExportTables {
    static func time(_ date: Date?) -> String { date.map(Format.iso) ?? "" }
    static func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }

    public static let users = ExportTable<User>("users", [
        .init("id") { $0.id.description }, .init("email") { $0.email }, .init("name") { $0.name }, .init("role") { $0.role.rawValue },
        .init("active") { yes($0.isActive) }, .init("created_at") { time($0.createdAt) },
    ])

    public static let vendors = ExportTable<Vendor>("vendors", [
        .init("id") { $0.id.description }, .init("name") { $0.fields.name }, .init("standing") { $0.fields.standing.rawValue },
        .init("website") { $0.fields.website ?? "" }, .init("security_contact") { $0.fields.securityContactEmail ?? "" },
        .init("notes") { $0.fields.notes ?? "" }, .init("version") { String($0.version) },
    ])

    public static let contracts = ExportTable<Contract>("contracts", [
        .init("id") { $0.id.description }, .init("vendor_id") { $0.vendorID.description }, .init("title") { $0.fields.title },
        .init("kind") { $0.fields.kind.rawValue }, .init("status") { $0.fields.status.rawValue }, .init("signed_on") { $0.fields.signedOn ?? "" },
        .init("starts_on") { $0.fields.startsOn ?? "" }, .init("ends_on") { $0.fields.endsOn ?? "" },
    ] + ClauseKind.allCases.map { kind in
        .init(kind.rawValue) { contract in
            let clause = contract.fields.clause(kind)
            return clause.present ? "yes" + (clause.reference.map { " (\($0))" } ?? "") : "no"
        }
    })

    public static let integrations = ExportTable<Integration>("integrations", [
        .init("id") { $0.id.description }, .init("vendor_id") { $0.vendorID.description }, .init("name") { $0.fields.name },
        .init("kind") { $0.fields.kind.rawValue }, .init("status") { $0.status.rawValue }, .init("classification") { $0.fields.classification.rawValue },
        .init("purpose") { $0.fields.purpose }, .init("sends_data_to_ai") { yes($0.fields.sendsDataToAI) }, .init("ai_services") { $0.fields.aiServices ?? "" },
        .init("owner_id") { $0.fields.ownerID?.description ?? "" }, .init("whitelist_version") { String($0.whitelistVersion) },
        .init("risk") { $0.risk?.description ?? "" },
    ])

    public static let whitelistEntries = ExportTable<ExportedWhitelistEntry>("whitelist_entries", [
        .init("integration_id") { $0.integrationID.description }, .init("version") { String($0.version.number) },
        .init("version_created_at") { time($0.version.createdAt) }, .init("method") { $0.entry.verb.rawValue }, .init("template") { $0.entry.template },
        .init("justification") { $0.entry.justification }, .init("access") { $0.entry.access.rawValue }, .init("risk") { $0.entry.risk.description },
    ])

    public static let answers = ExportTable<Answer>("answers", [
        .init("integration_id") { $0.integrationID.description }, .init("questionnaire") { $0.questionnaireID },
        .init("questionnaire_version") { String($0.questionnaireVersion) }, .init("question") { $0.questionID },
        .init("answer") { $0.values.joined(separator: "; ") }, .init("source") { $0.source.rawValue }, .init("answered_by") { $0.answeredBy },
        .init("answered_at") { time($0.answeredAt) }, .init("mark") { $0.mark?.rawValue ?? "" }, .init("mark_comment") { $0.markComment ?? "" },
        .init("marked_by") { $0.markedBy ?? "" },
    ])

    public static let reviews = ExportTable<Review>("reviews", [
        .init("id") { $0.id.description }, .init("integration_id") { $0.integrationID.description }, .init("kind") { $0.kind.rawValue },
        .init("reviewer_id") { $0.fields.reviewerID.description }, .init("scope") { $0.fields.scope },
        .init("decision") { $0.decision?.decision.rawValue ?? "" }, .init("decided_on") { $0.decision?.decidedOn ?? "" },
        .init("valid_until") { $0.decision?.validUntil ?? "" }, .init("decided_by") { $0.decidedBy ?? "" },
        .init("conditions") { $0.decision?.conditions ?? "" }, .init("supersedes") { $0.supersedes?.description ?? "" },
    ])

    public static let findings = ExportTable<Finding>("findings", [
        .init("id") { $0.id.description }, .init("review_id") { $0.reviewID.description }, .init("title") { $0.title },
        .init("severity") { $0.severity.rawValue }, .init("status") { $0.status.rawValue }, .init("risk_accepted_by") { $0.riskAcceptedBy ?? "" },
        .init("due_on") { $0.dueOn ?? "" },
    ])

    public static let keyReleases = ExportTable<KeyRelease>("key_releases", [
        .init("id") { $0.id.description }, .init("integration_id") { $0.integrationID.description }, .init("state") { $0.state.rawValue },
        .init("requested_by") { $0.requestedBy }, .init("requested_at") { time($0.requestedAt) }, .init("verified_at") { time($0.verifiedAt) },
        .init("canvas_key_id") { $0.details?.canvasKeyID ?? "" }, .init("scopes") { ($0.details?.scopes ?? []).joined(separator: " ") },
        .init("rereview_on") { $0.details?.rereviewOn ?? "" }, .init("whitelist_version") { String($0.whitelistVersion) },
        .init("scope_changed") { yes($0.scopeChanged) }, .init("previous_id") { $0.previousID?.description ?? "" },
    ])

    public static let inheritedKeys = ExportTable<InheritedKey>("inherited_keys", [
        .init("id") { $0.id.description }, .init("name") { $0.fields.name }, .init("vendor") { $0.fields.vendor },
        .init("canvas_key_id") { $0.fields.canvasKeyID ?? "" }, .init("state") { $0.fields.state.rawValue },
        .init("dependents") { $0.fields.dependents.map(\.description).joined(separator: " ") }, .init("reviewed") { yes($0.fields.reviewed) },
    ])

    public static let tokenRegister = ExportTable<RegisteredToken>("token_register", [
        .init("id") { $0.id.description }, .init("holder") { $0.fields.holder }, .init("role") { $0.fields.role.rawValue },
        .init("purpose") { $0.fields.purpose ?? "" }, .init("created_on") { $0.fields.createdOn }, .init("expires_on") { $0.fields.expiresOn ?? "" },
        .init("last_used_on") { $0.fields.lastUsedOn ?? "" }, .init("integration_id") { $0.fields.integrationID?.description ?? "" },
        .init("developer_key_id") { $0.fields.developerKeyID ?? "" }, .init("state") { $0.isRevoked ? "revoked" : "active" },
        .init("revoked_on") { $0.revokedOn ?? "" }, .init("revoked_by") { $0.revokedBy ?? "" },
    ])

    public static let canvasSyncs = ExportTable<CanvasSync>("canvas_syncs", [
        .init("id") { $0.id.description }, .init("started_at") { time($0.startedAt) }, .init("finished_at") { time($0.finishedAt) },
        .init("started_by") { $0.startedBy }, .init("outcome") { $0.outcome.rawValue }, .init("reason") { $0.reason ?? "" },
        .init("requests") { String($0.requests) }, .init("canvas_url") { $0.canvasURL }, .init("findings") { String($0.findingCount) },
        .init("difference") { $0.difference?.summary ?? "" },
    ])

    public static let canvasFindings = ExportTable<ExportedCanvasFinding>("canvas_findings", [
        .init("sync_id") { $0.syncID.description }, .init("kind") { $0.finding.kind.rawValue }, .init("severity") { $0.finding.severity.rawValue },
        .init("integration_id") { $0.finding.integrationID ?? "" }, .init("object_kind") { $0.finding.objectKind.rawValue },
        .init("object_id") { $0.finding.objectID }, .init("object_name") { $0.finding.objectName }, .init("canvas_says") { $0.finding.canvasSays },
        .init("approved") { $0.finding.approved }, .init("fix") { $0.finding.fix },
    ])

    /// `as_of.csv`: what was approved and released at a moment, beside the values now.
    public static let asOf = ExportTable<AsOfRow>("as_of", [
        .init("integration") { $0.integration }, .init("status_then") { $0.statusThen }, .init("status_now") { $0.statusNow },
        .init("whitelist_version_then") { String($0.whitelistVersionThen) }, .init("whitelist_version_now") { String($0.whitelistVersionNow) },
        .init("endpoints_then") { $0.endpointsThen.joined(separator: "; ") }, .init("released_keys_then") { $0.releasedKeysThen.joined(separator: "; ") },
        .init("changed_since") { yes($0.changedSince) },
    ])
}
