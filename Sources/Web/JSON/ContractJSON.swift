import Domain
import Vapor

struct ContractJSON: Content {
    let id: String
    let vendorID: String
    let title: String
    let kind: String
    let status: String
    let signedOn: String?
    let startsOn: String?
    let endsOn: String?
    let noticeDays: Int?
    let breachNotificationHours: Int?
    let clauses: [String: Clause]
    let exhibitB: [String]?
    let version: Int

    init(_ c: Contract) {
        id = c.id.description
        vendorID = c.vendorID.description
        title = c.fields.title
        kind = c.fields.kind.rawValue
        status = c.fields.status.rawValue
        signedOn = c.fields.signedOn
        startsOn = c.fields.startsOn
        endsOn = c.fields.endsOn
        noticeDays = c.fields.noticeDays
        breachNotificationHours = c.fields.breachNotificationHours
        clauses = Dictionary(uniqueKeysWithValues: ClauseKind.allCases.map { ($0.rawValue, c.fields.clause($0)) })
        exhibitB = c.fields.exhibitB?.sorted()
        version = c.version
    }

    enum CodingKeys: String, CodingKey {
        case id, vendorID, title, kind, status, signedOn, startsOn, endsOn, noticeDays, breachNotificationHours, clauses, exhibitB, version
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(vendorID, forKey: .vendorID); try c.encode(title, forKey: .title)
        try c.encode(kind, forKey: .kind); try c.encode(status, forKey: .status); try c.encode(signedOn, forKey: .signedOn)
        try c.encode(startsOn, forKey: .startsOn); try c.encode(endsOn, forKey: .endsOn); try c.encode(noticeDays, forKey: .noticeDays)
        try c.encode(breachNotificationHours, forKey: .breachNotificationHours); try c.encode(clauses, forKey: .clauses)
        try c.encode(exhibitB, forKey: .exhibitB)
        try c.encode(version, forKey: .version)
    }
}

struct ContractListJSON: Content {
    let items: [ContractJSON]
    let page: Int
    let perPage: Int
    let total: Int
}

struct ContractBodyJSON: Content {
    struct ClauseBody: Content {
        var present: Bool?
        var reference: String?
    }
    var vendorID: String?
    var title: String?
    var kind: String?
    var status: String?
    var signedOn: String?
    var startsOn: String?
    var endsOn: String?
    var noticeDays: Int?
    var breachNotificationHours: Int?
    var clauses: [String: ClauseBody]?
    var exhibitB: [String]?
    var version: Int?
}

struct DocumentJSON: Content {
    let id: String
    let filename: String
    let type: String
    let size: Int
    let sha256: String
    let uploadedBy: String
    let uploadedAt: String
    let download: String
}
