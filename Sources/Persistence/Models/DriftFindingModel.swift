import Domain
import FluentKit
import Foundation

final class DriftFindingModel: Model, @unchecked Sendable {
    static let schema = "drift_findings"

    @ID(key: .id) var id: UUID?
    @Field(key: "scan_id") var scanID: UUID
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "kind") var kind: String
    @Field(key: "method") var method: String
    @Field(key: "endpoint") var endpoint: String
    @Field(key: "in_catalog") var inCatalog: Bool
    @Field(key: "count") var count: Int64
    @Field(key: "first_seen") var firstSeen: String
    @Field(key: "last_seen") var lastSeen: String
    /// JSON array.
    @Field(key: "sample_user_agents") var sampleUserAgents: String
    @Field(key: "sample_path") var samplePath: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $scanID, $integrationID, $kind, $method, $endpoint, $inCatalog, $count, $firstSeen, $lastSeen, $sampleUserAgents, $samplePath]
    }

    init() {}

    func toDomain() throws -> DriftFinding {
        guard let kind = DriftFindingKind(rawValue: kind),
              let agents = try? JSONDecoder().decode([String].self, from: Data(sampleUserAgents.utf8)) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return DriftFinding(kind: kind, method: method, endpoint: endpoint, inCatalog: inCatalog, count: Int(count), firstSeen: firstSeen,
                            lastSeen: lastSeen, sampleUserAgents: agents, samplePath: samplePath)
    }
}
