import Domain
import FluentKit
import Foundation

final class ContractModel: Model, @unchecked Sendable {
    static let schema = "contracts"

    @ID(key: .id) var id: UUID?
    @Field(key: "vendor_id") var vendorID: UUID
    @Field(key: "title") var title: String
    @Field(key: "title_key") var titleKey: String
    @Field(key: "kind") var kind: String
    @Field(key: "status") var status: String
    @OptionalField(key: "signed_on") var signedOn: String?
    @OptionalField(key: "starts_on") var startsOn: String?
    @OptionalField(key: "ends_on") var endsOn: String?
    @OptionalField(key: "notice_days") var noticeDays: Int?
    @OptionalField(key: "breach_notification_hours") var breachNotificationHours: Int?
    /// JSON object keyed by clause kind: {"present": Bool, "reference": String?}.
    @Field(key: "clauses") var clauses: String
    /// The NDPA Exhibit B elements the agreement lists, a JSON array of ids; nil when not recorded.
    @OptionalField(key: "exhibit_b") var exhibitB: String?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $vendorID, $title, $titleKey, $kind, $status, $signedOn, $startsOn, $endsOn, $noticeDays, $breachNotificationHours, $clauses,
         $exhibitB, $version, $createdAt, $updatedAt]
    }

    init() {}

    func apply(_ fields: ContractFields) throws {
        title = fields.title
        titleKey = fields.title.lowercased()
        kind = fields.kind.rawValue
        status = fields.status.rawValue
        signedOn = fields.signedOn
        startsOn = fields.startsOn
        endsOn = fields.endsOn
        noticeDays = fields.noticeDays
        breachNotificationHours = fields.breachNotificationHours
        let keyed = Dictionary(uniqueKeysWithValues: fields.clauses.map { ($0.key.rawValue, $0.value) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        clauses = String(decoding: try encoder.encode(keyed), as: UTF8.self)
        exhibitB = try fields.exhibitB.map { String(decoding: try encoder.encode($0.sorted()), as: UTF8.self) }
    }

    func toDomain() throws -> Contract {
        guard let id, let kind = ContractKind(rawValue: kind), let status = ContractStatus(rawValue: status),
              let keyed = try? JSONDecoder().decode([String: Clause].self, from: Data(clauses.utf8))
        else { throw PersistenceError.corruptRow(table: Self.schema) }
        var parsed: [ClauseKind: Clause] = [:]
        for (key, value) in keyed { if let kind = ClauseKind(rawValue: key) { parsed[kind] = value } }
        var schedule: Set<String>?
        if let exhibitB {
            guard let ids = try? JSONDecoder().decode([String].self, from: Data(exhibitB.utf8)) else { throw PersistenceError.corruptRow(table: Self.schema) }
            schedule = Set(ids)
        }
        let fields = ContractFields(
            title: title, kind: kind, status: status, signedOn: signedOn, startsOn: startsOn, endsOn: endsOn, noticeDays: noticeDays,
            breachNotificationHours: breachNotificationHours, clauses: parsed, exhibitB: schedule)
        return Contract(id: .init(id), vendorID: .init(vendorID), fields: fields, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
