import Domain
import FluentKit
import Foundation

/// One uploaded log's background scan (`drift_jobs`).
final class DriftJobModel: Model, @unchecked Sendable {
    static let schema = "drift_jobs"

    @ID(key: .id) var id: UUID?
    @Field(key: "file_name") var fileName: String
    @Field(key: "byte_count") var byteCount: Int64
    @Field(key: "state") var state: String
    @Field(key: "bytes_scanned") var bytesScanned: Int64
    @Field(key: "rows_scanned") var rowsScanned: Int64
    @OptionalField(key: "scan_id") var scanID: UUID?
    @OptionalField(key: "problem") var problem: String?
    @Field(key: "created_by") var createdBy: String
    @OptionalField(key: "created_by_user_id") var createdByUserID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "holder") var holder: String?
    @OptionalField(key: "lease_until") var leaseUntil: Date?

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $fileName, $byteCount, $state, $bytesScanned, $rowsScanned, $scanID, $problem, $createdBy, $createdByUserID, $createdAt,
         $startedAt, $finishedAt, $attempts, $holder, $leaseUntil]
    }

    init() {}

    init(_ job: DriftJob) {
        id = job.id.rawValue
        fileName = job.fileName
        byteCount = job.byteCount
        state = job.state.rawValue
        bytesScanned = job.bytesScanned
        rowsScanned = Int64(job.rowsScanned)
        scanID = job.scanID?.rawValue
        problem = job.problem
        createdBy = job.createdBy.label
        createdByUserID = job.createdBy.userID?.rawValue
        createdAt = job.createdAt
        startedAt = job.startedAt
        finishedAt = job.finishedAt
        attempts = job.attempts
    }

    func toDomain() throws -> DriftJob {
        guard let id, let state = DriftJob.State(rawValue: state) else { throw PersistenceError.corruptRow(table: Self.schema) }
        return DriftJob(id: .init(id), fileName: fileName, byteCount: byteCount, state: state, bytesScanned: bytesScanned, rowsScanned: Int(rowsScanned),
                        scanID: scanID.map { .init($0) }, problem: problem, createdBy: Actor(userID: createdByUserID.map { .init($0) }, label: createdBy),
                        createdAt: createdAt, startedAt: startedAt, finishedAt: finishedAt, attempts: attempts)
    }
}

/// An upload kept until its scan ends (`drift_job_uploads`, keyed by the job's id).
final class DriftJobUploadModel: Model, @unchecked Sendable {
    static let schema = "drift_job_uploads"

    @ID(key: .id) var id: UUID?
    @Field(key: "bytes") var bytes: Data

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] { [$id, $bytes] }

    init() {}

    init(job: DriftJob.ID, bytes: [UInt8]) {
        id = job.rawValue
        self.bytes = Data(bytes)
    }
}
