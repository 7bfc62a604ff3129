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
    @OptionalField(key: "gate_lapsed_at") var gateLapsedAt: Date?
    @OptionalField(key: "gate_lapse_reason") var gateLapseReason: String?
    @OptionalField(key: "note") var note: String?
    @Field(key: "version") var version: Int

    /// Listed rather than found by reflection, which cost FluentKit most of its time per row (`ModelPropertiesTests` holds
    /// this list to the declarations above).
    var properties: [any AnyProperty] {
        [$id, $integrationID, $state, $requestedBy, $requestedByID, $requestedByEmail, $requestedAt, $codeHash, $codeIssuedAt, $codesSent,
         $attempts, $verifiedAt, $canvasKeyID, $scopes, $allowIncludeParameters, $expiresOn, $rereviewOn, $whitelistVersion, $previousID,
         $scopeChanged, $gateLapsedAt, $gateLapseReason, $note, $version]
    }

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
        gateLapsedAt = r.gateLapse?.since
        gateLapseReason = r.gateLapse?.reason
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
            scopeChanged: scopeChanged, gateLapse: gateLapsedAt.map { GateLapse(since: $0, reason: gateLapseReason ?? "") }, note: note, version: version)
    }
}
