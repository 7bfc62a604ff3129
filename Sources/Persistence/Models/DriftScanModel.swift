import Domain
import FluentKit
import Foundation

final class DriftScanModel: Model, @unchecked Sendable {
    static let schema = "drift_scans"

    @ID(key: .id) var id: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    /// Newline-separated file names.
    @Field(key: "files") var files: String
    @Field(key: "rows") var rows: Int64
    @Field(key: "malformed") var malformed: Int64
    @Field(key: "out_of_scope") var outOfScope: Int64
    @Field(key: "finding_count") var findingCount: Int
    @Field(key: "summary") var summary: String

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $createdAt, $createdBy, $files, $rows, $malformed, $outOfScope, $findingCount, $summary] }

    init() {}

    func toSummary() throws -> DriftScanSummary {
        guard let id else { throw PersistenceError.corruptRow(table: Self.schema) }
        return DriftScanSummary(id: .init(id), createdAt: createdAt, createdBy: createdBy, files: files.split(separator: "\n").map(String.init),
                                rows: Int(rows), malformed: Int(malformed), outOfScope: Int(outOfScope), findings: findingCount)
    }

    func report() throws -> DriftReport {
        guard let report = try? JSONDecoder().decode(DriftReport.self, from: Data(summary.utf8)) else {
            throw PersistenceError.corruptRow(table: Self.schema)
        }
        return report
    }
}
