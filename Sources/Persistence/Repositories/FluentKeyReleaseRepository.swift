import Domain
import FluentKit
import Foundation

final class KeyReleaseModel: Model, @unchecked Sendable {
    static let schema = "key_releases"

    @ID(key: .id) var id: UUID?
    @Field(key: "integration_id") var integrationID: UUID
    @Field(key: "state") var state: String
    @Field(key: "requested_by") var requestedBy: String
    @Field(key: "requested_by_id") var requestedByID: UUID
    @Field(key: "requested_by_email") var requestedByEmail: String
    @Field(key: "requested_at") var requestedAt: Date
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "code_issued_at") var codeIssuedAt: Date
    @Field(key: "codes_sent") var codesSent: Int
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "verified_at") var verifiedAt: Date?
    @OptionalField(key: "canvas_key_id") var canvasKeyID: String?
    /// Newline-separated scope lines.
    @OptionalField(key: "scopes") var scopes: String?
    @OptionalField(key: "allow_include_parameters") var allowIncludeParameters: Bool?
    @OptionalField(key: "expires_on") var expiresOn: String?
    @OptionalField(key: "rereview_on") var rereviewOn: String?
    @Field(key: "whitelist_version") var whitelistVersion: Int
    @OptionalField(key: "previous_id") var previousID: UUID?
    @Field(key: "scope_changed") var scopeChanged: Bool
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int

    init() {}

    func apply(_ r: KeyRelease) {
        id = r.id.rawValue
        integrationID = r.integrationID.rawValue
        state = r.state.rawValue
        requestedBy = r.requestedBy
        requestedByID = r.requestedByID.rawValue
        requestedByEmail = r.requestedByEmail
        requestedAt = r.requestedAt
        codeHash = r.codeHash
        codeIssuedAt = r.codeIssuedAt
        codesSent = r.codesSent
        attempts = r.attempts
        verifiedAt = r.verifiedAt
        canvasKeyID = r.details?.canvasKeyID
        scopes = r.details?.scopes.joined(separator: "\n")
        allowIncludeParameters = r.details?.allowIncludeParameters
        expiresOn = r.details?.expiresOn
        rereviewOn = r.details?.rereviewOn
        whitelistVersion = r.whitelistVersion
        previousID = r.previousID?.rawValue
        scopeChanged = r.scopeChanged
        note = r.note
        version = r.version
    }

    func toDomain() throws -> KeyRelease {
        guard let id, let state = ReleaseState(rawValue: state) else { throw PersistenceError.corruptRow(table: Self.schema) }
        var details: ReleaseDetails?
        if let canvasKeyID, let rereviewOn {
            details = ReleaseDetails(canvasKeyID: canvasKeyID, scopes: (scopes ?? "").split(separator: "\n").map(String.init),
                                     allowIncludeParameters: allowIncludeParameters ?? false, expiresOn: expiresOn, rereviewOn: rereviewOn)
        }
        return KeyRelease(
            id: .init(id), integrationID: .init(integrationID), state: state, requestedBy: requestedBy, requestedByID: .init(requestedByID),
            requestedByEmail: requestedByEmail, requestedAt: requestedAt, codeHash: codeHash, codeIssuedAt: codeIssuedAt, codesSent: codesSent,
            attempts: attempts, verifiedAt: verifiedAt, details: details, whitelistVersion: whitelistVersion, previousID: previousID.map { .init($0) },
            scopeChanged: scopeChanged, note: note, version: version)
    }
}

struct FluentKeyReleaseRepository: KeyReleaseRepository {
    let database: any Database

    func find(_ id: KeyRelease.ID) async throws -> KeyRelease? {
        try await KeyReleaseModel.find(id.rawValue, on: database)?.toDomain()
    }

    func list(_ integration: Integration.ID) async throws -> [KeyRelease] {
        try await KeyReleaseModel.query(on: database).filter(\.$integrationID == integration.rawValue)
            .sort(\.$requestedAt, .descending).sort(\.$id).all().map { try $0.toDomain() }
    }

    func all(in states: Set<ReleaseState>) async throws -> [KeyRelease] {
        try await KeyReleaseModel.query(on: database).filter(\.$state ~~ states.map(\.rawValue)).sort(\.$requestedAt).all().map { try $0.toDomain() }
    }

    func create(_ release: KeyRelease, by actor: Actor) async throws {
        try await AuditedWrite.run(on: database) { tx in
            guard let integration = try await IntegrationModel.find(release.integrationID.rawValue, on: tx) else {
                throw DomainError.notFound(entity: "integration")
            }
            let pending = try await KeyReleaseModel.query(on: tx).filter(\.$integrationID == release.integrationID.rawValue)
                .filter(\.$state == ReleaseState.pending.rawValue).all().map { try $0.toDomain() }
            // A release past its deadline is locked for good before a new one starts.
            for var old in pending {
                old.state = .locked
                let model = try await KeyReleaseModel.find(old.id.rawValue, on: tx)!
                model.apply(old)
                try await model.update(on: tx)
            }
            let model = KeyReleaseModel()
            model.apply(release)
            try await model.create(on: tx)
            let entry = AuditEntry(
                occurredAt: release.requestedAt, actor: actor, entityType: "key_release", entityID: release.id.description, action: "request",
                summary: "\(integration.name) — key release requested" + (release.previousID.map { " (rotating \($0))" } ?? "")
                    + (pending.isEmpty ? "" : "; \(pending.count) earlier pending request(s) locked") + "; confirmation code sent to \(release.requestedByEmail)")
            return ((), [entry])
        }
    }

    func update<Decision: Sendable>(
        _ id: KeyRelease.ID, by actor: Actor, at now: Date,
        _ change: @escaping @Sendable (inout KeyRelease) throws -> KeyReleaseChange<Decision>
    ) async throws -> (release: KeyRelease, decision: Decision) {
        try await AuditedWrite.run(on: database) { tx in
            guard let model = try await KeyReleaseModel.find(id.rawValue, on: tx) else { throw DomainError.notFound(entity: "key release") }
            var release = try model.toDomain()
            let outcome = try change(&release)
            release.version += 1
            model.apply(release)
            try await model.update(on: tx)
            let name = try await IntegrationModel.find(release.integrationID.rawValue, on: tx)?.name ?? "integration"
            let entry = AuditEntry(occurredAt: now, actor: actor, entityType: "key_release", entityID: id.description, action: outcome.action,
                                   summary: "\(name) — \(outcome.summary)")
            return ((release, outcome.decision), [entry])
        }
    }
}
