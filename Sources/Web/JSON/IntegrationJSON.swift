import Domain
import Vapor

struct IntegrationJSON: Content {
    let id: String
    let vendorID: String
    let name: String
    let kind: String
    let installLevel: String
    let subAccountName: String?
    let purpose: String
    let classification: String
    let sendsDataToAI: Bool
    let aiServices: String?
    let aiData: String?
    let ownerID: String?
    let nextReviewOn: String?
    let status: String
    let risk: String?
    let whitelistVersion: Int
    let version: Int
    let createdAt: String
    let updatedAt: String

    init(_ i: Integration) {
        id = i.id.description
        vendorID = i.vendorID.description
        name = i.fields.name
        kind = i.fields.kind.rawValue
        installLevel = i.fields.installLevel.rawValue
        subAccountName = i.fields.subAccountName
        purpose = i.fields.purpose
        classification = i.fields.classification.rawValue
        sendsDataToAI = i.fields.sendsDataToAI
        aiServices = i.fields.aiServices
        aiData = i.fields.aiData
        ownerID = i.fields.ownerID?.description
        nextReviewOn = i.fields.nextReviewOn
        status = i.status.rawValue
        risk = i.risk?.description
        whitelistVersion = i.whitelistVersion
        version = i.version
        createdAt = Format.iso(i.createdAt)
        updatedAt = Format.iso(i.updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, vendorID, name, kind, installLevel, subAccountName, purpose, classification, sendsDataToAI, aiServices, aiData
        case ownerID, nextReviewOn, status, risk, whitelistVersion, version, createdAt, updatedAt
    }

    /// Empty fields are sent as null, never left out.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(vendorID, forKey: .vendorID); try c.encode(name, forKey: .name)
        try c.encode(kind, forKey: .kind); try c.encode(installLevel, forKey: .installLevel)
        try c.encode(subAccountName, forKey: .subAccountName); try c.encode(purpose, forKey: .purpose)
        try c.encode(classification, forKey: .classification); try c.encode(sendsDataToAI, forKey: .sendsDataToAI)
        try c.encode(aiServices, forKey: .aiServices); try c.encode(aiData, forKey: .aiData); try c.encode(ownerID, forKey: .ownerID)
        try c.encode(nextReviewOn, forKey: .nextReviewOn); try c.encode(status, forKey: .status); try c.encode(risk, forKey: .risk)
        try c.encode(whitelistVersion, forKey: .whitelistVersion); try c.encode(version, forKey: .version)
        try c.encode(createdAt, forKey: .createdAt); try c.encode(updatedAt, forKey: .updatedAt)
    }
}

struct IntegrationListJSON: Content {
    let items: [IntegrationJSON]
    let page: Int
    let perPage: Int
    let total: Int
}

/// PATCH body: absent fields keep their value; `version` is required.
struct IntegrationPatchJSON: Content {
    var name: String?
    var kind: String?
    var installLevel: String?
    var subAccountName: String?
    var purpose: String?
    var classification: String?
    var sendsDataToAI: Bool?
    var aiServices: String?
    var aiData: String?
    var ownerID: String?
    var nextReviewOn: String?
    var vendorID: String?
    var version: Int?
}

struct ActionJSON: Content {
    var action: String?
    var note: String?
    var version: Int?
}

struct WhitelistJSON: Content {
    struct Entry: Content {
        let method: String
        let path: String
        let justification: String
        let access: String
        let group: String
        let dataKinds: [String]
        let risk: String
    }
    struct KindUse: Content {
        let kind: String
        let reads: Int
        let writes: Int
    }

    let version: Int
    let entries: [Entry]
    let overallRisk: String?
    let dataKinds: [KindUse]
    let summary: String
    let scopes: [String]
    let developerKey: String

    /// `exported`: the version as Canvas writes its routes now (see `WhitelistVersion.inCanvasText`),
    /// for the scopes and the developer key; the entries are listed as saved.
    init(_ version: WhitelistVersion?, exported: WhitelistVersion? = nil) {
        let summary = version?.summary
        self.version = version?.number ?? 0
        entries = (version?.entries ?? []).map {
            Entry(method: $0.verb.rawValue, path: $0.template, justification: $0.justification, access: $0.access.rawValue,
                  group: $0.group, dataKinds: $0.kinds.sorted().map(\.rawValue), risk: $0.risk.description)
        }
        overallRisk = summary?.overallRisk?.description
        dataKinds = (summary?.kinds ?? []).map { KindUse(kind: $0.kind.rawValue, reads: $0.reads, writes: $0.writes) }
        self.summary = summary?.sentence ?? "No endpoints declared."
        scopes = (exported ?? version)?.scopeLines ?? []
        developerKey = (exported ?? version)?.developerKeyJSON ?? ""
    }

    enum CodingKeys: String, CodingKey { case version, entries, overallRisk, dataKinds, summary, scopes, developerKey }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version); try c.encode(entries, forKey: .entries); try c.encode(overallRisk, forKey: .overallRisk)
        try c.encode(dataKinds, forKey: .dataKinds); try c.encode(summary, forKey: .summary); try c.encode(scopes, forKey: .scopes)
        try c.encode(developerKey, forKey: .developerKey)
    }
}

struct WhitelistPutJSON: Content {
    struct Entry: Content {
        var method: String?
        var path: String?
        var justification: String?
    }
    var version: Int?
    var entries: [Entry]?
}

struct WhitelistDiffJSON: Content {
    struct Change: Content {
        let endpoint: String
        let before: String
        let after: String
    }
    let from: Int
    let to: Int
    let added: [String]
    let removed: [String]
    let justificationChanged: [Change]
}

/// `GET /api/v1/integrations/{id}/data-map`: what student and staff data the integration receives or changes.
struct DataMapJSON: Content {
    struct Item: Content {
        let element: String
        let label: String
        let personal: Bool
        let reads: Bool
        let changes: Bool
        let causes: [String]
    }

    let whitelistVersion: Int?
    let whitelistAccepted: Bool
    let ltiVersion: Int?
    struct ContradictionItem: Content {
        let kind: String
        let title: String
        let claims: [String]
        let evidence: [String]
    }

    let privacyLevel: String?
    /// How many scopes of the integration's released keys the newest Canvas sync read; null when none.
    let syncedScopes: Int?
    let items: [Item]
    /// Where the vendor's answers disagree with what the integration touches.
    let contradictions: [ContradictionItem]

    init(_ reading: DataMapReading, contradictions found: [Contradiction]) {
        contradictions = found.map { ContradictionItem(kind: $0.kind.rawValue, title: $0.title, claims: $0.claims, evidence: $0.evidence) }
        whitelistVersion = reading.whitelistVersion
        whitelistAccepted = reading.whitelistAccepted
        ltiVersion = reading.ltiVersion
        syncedScopes = reading.syncedScopes
        privacyLevel = reading.privacyLevel?.rawValue
        items = reading.map.items.map {
            Item(element: $0.element.rawValue, label: $0.element.label, personal: $0.element.isPersonal, reads: $0.reads, changes: $0.changes, causes: $0.causes)
        }
    }
}
