import Foundation
import Testing
@testable import Domain

@Suite("Canvas enforcement (pure)")
struct CanvasEnforcementDomainTests {
    let approved = ["url:GET|/api/v1/courses/:course_id/users"]

    func key(scopes: [String]? = ["url:GET|/api/v1/courses/:course_id/users"], require: Bool? = true, includes: Bool? = false,
             state: String = "active", inherited: Bool = false) -> CanvasDeveloperKey {
        CanvasDeveloperKey(id: "170000000000555", name: "Sync", workflowState: state, binding: .off, inherited: inherited, scopes: scopes,
                           requireScopes: require, allowIncludes: includes)
    }

    @Test func aKeyExactlyAsApprovedMatches() {
        #expect(KeyMatch.differences(key(), approvedScopes: approved, allowIncludes: false).isEmpty)
        #expect(KeyMatch.differences(key(includes: true), approvedScopes: approved, allowIncludes: true).isEmpty)
    }

    @Test func everyDifferenceIsNamed() {
        let wider = KeyMatch.differences(key(scopes: approved + ["url:DELETE|/api/v1/courses/:id"]), approvedScopes: approved, allowIncludes: false)
        #expect(wider == ["scopes not approved: url:DELETE|/api/v1/courses/:id"])
        let narrower = KeyMatch.differences(key(scopes: []), approvedScopes: approved, allowIncludes: false)
        #expect(narrower == ["approved scopes missing: url:GET|/api/v1/courses/:course_id/users"])
        #expect(KeyMatch.differences(key(require: false), approvedScopes: approved, allowIncludes: false).first?.contains("Enforce scopes") == true)
        #expect(KeyMatch.differences(key(includes: true), approvedScopes: approved, allowIncludes: false).first?.contains("include parameters") == true)
        #expect(KeyMatch.differences(key(state: "inactive"), approvedScopes: approved, allowIncludes: false).first?.contains("inactive") == true)
        #expect(KeyMatch.differences(key(inherited: true), approvedScopes: approved, allowIncludes: false).first?.contains("inherited") == true)
        let many = (0..<8).map { "url:GET|/api/v1/x\($0)" }
        #expect(KeyMatch.differences(key(scopes: approved + many), approvedScopes: approved, allowIncludes: false).first?.hasSuffix("and 3 more") == true)
    }

    @Test func switchOffCausesComeFromKeyFindingsAndLapsedGatesOncePerKey() {
        func finding(_ kind: CanvasFindingKind, _ id: String, objectKind: CanvasObjectKind = .developerKey) -> CanvasFinding {
            CanvasFinding(kind: kind, severity: .high, objectKind: objectKind, objectID: id, objectName: "Key \(id)", canvasSays: "on", approved: "-", fix: "-")
        }
        let findings = [finding(.keyOnWithoutRelease, "1"), finding(.keyScopesWider, "1"), finding(.keyOnAfterOff, "2"), finding(.keyIdle, "3"),
                        finding(.tokenPolicy, "4", objectKind: .token), finding(.keyOnWithoutRelease, "../evil")]
        let causes = SwitchOffCause.causes(findings: findings, lapsed: [], keysOn: nil)
        #expect(causes.map(\.keyID) == ["1", "2"])
        #expect(causes.first?.findingKind == .keyOnWithoutRelease)
    }

    @Test func theWriteActionsKnowTheirPermissionAndDirection() {
        #expect(CanvasWriteAction.keyOn.permission == "manage_developer_keys" && !CanvasWriteAction.keyOn.isSafeDirection)
        #expect(CanvasWriteAction.tokenDelete.permission == "delete_access_tokens" && CanvasWriteAction.tokenDelete.isSafeDirection)
        #expect(CanvasWriteState.failed.isOpen && !CanvasWriteState.done.isOpen && !CanvasWriteState.dismissed.isOpen)
        #expect(CanvasWriteTarget.isCanvasID("1~23") && !CanvasWriteTarget.isCanvasID("12/../3") && !CanvasWriteTarget.isCanvasID(""))
    }

    @Test func thePolicyReadsAutoOff() throws {
        func tree(_ value: String) -> DefinitionNode {
            .mapping([(key: "enforce", keyLine: 1, value: .mapping([(key: "auto_off", keyLine: 2, value: .scalar(value, line: 2))], line: 2))], line: 1)
        }
        #expect(Policy().autoOff == .propose)
        for choice in AutoOff.allCases { #expect(try Policy.parse(tree(choice.rawValue), file: "policy.yaml").autoOff == choice) }
        #expect(throws: DefinitionError.self) { try Policy.parse(tree("sometimes"), file: "policy.yaml") }
    }

    @Test func thePolicyReadsTheUploadLimits() throws {
        func tree(_ key: String, _ value: String) -> DefinitionNode {
            .mapping([(key: "uploads", keyLine: 1, value: .mapping([(key: key, keyLine: 2, value: .scalar(value, line: 2))], line: 2))], line: 1)
        }
        #expect(Policy().inflateLimit == InflateLimit(maxBytes: 2 << 30, maxRatio: 100))
        #expect(try Policy.parse(tree("max_inflated_mb", "512"), file: "policy.yaml").inflateLimit.maxBytes == 512 << 20)
        #expect(try Policy.parse(tree("max_ratio", "40"), file: "policy.yaml").inflateLimit.maxRatio == 40)
        for (key, value) in [("max_ratio", "1"), ("max_inflated_mb", "0"), ("max_inflated_mb", "lots"), ("max_size", "3")] {
            #expect(throws: DefinitionError.self, "\(key): \(value)") { try Policy.parse(tree(key, value), file: "policy.yaml") }
        }
    }

    @Test func wouldReleaseChecksTheCodeWithoutSpendingAnAttempt() {
        let id = KeyRelease.ID(UUID())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let release = KeyRelease(id: id, integrationID: .init(UUID()), requestedBy: "A", requestedByID: .init(UUID()), requestedByEmail: "a@x.example",
                                 requestedAt: now, codeHash: ReleaseCode.hash("123456", release: id), codeIssuedAt: now, whitelistVersion: 1)
        let policy = Policy()
        #expect(release.wouldRelease("123456", at: now.addingTimeInterval(60), policy: policy))
        #expect(!release.wouldRelease("654321", at: now.addingTimeInterval(60), policy: policy))
        #expect(!release.wouldRelease("123456", at: now.addingTimeInterval(Double(policy.codeValidMinutes * 60 + 1)), policy: policy))
        #expect(release.attempts == 0)
    }

    @Test func aContextIsASubAccountOrACourseWithACanvasID() {
        #expect(CanvasContext(storage: "course_4242") == CanvasContext(kind: .course, id: "4242"))
        #expect(CanvasContext(storage: "account_10000000000002")?.field == "account_id")
        #expect(CanvasContext(storage: "course_42")?.description == "course 42")
        for bad in ["", "course", "course_", "group_1", "course_1/../2", "course_12a", "account_-1"] {
            #expect(CanvasContext(storage: bad) == nil, "\(bad)")
        }
        let target = CanvasWriteTarget(action: .registrationContextOff, objectID: "500", context: CanvasContext(kind: .course, id: "7"), name: "“Reader” (500)")
        let write = CanvasWrite(id: .init(UUID()), target: target, state: .pending, reason: "r", requestedBy: "a", requestedAt: Date())
        #expect(write.title == "Make LTI registration unavailable “Reader” (500) in course 7")
        #expect(CanvasWriteAction.registrationContextOff.permission == "manage_lti_registrations" && CanvasWriteAction.registrationContextOff.isSafeDirection)
    }

    @Test func anIntegrationsRegistrationsAreFoundByItsKeyItsToolsDomainOrItsName() {
        let now = Date()
        func integration(_ name: String, _ kind: IntegrationKind) -> Integration {
            Integration(id: .init(UUID()), vendorID: .init(UUID()),
                        fields: IntegrationFields(name: name, kind: kind, installLevel: .rootAccount, purpose: "p", classification: .restricted, sendsDataToAI: false),
                        status: .approved, createdAt: now, updatedAt: now)
        }
        let snapshot = CanvasSnapshot(registrations: [
            CanvasLTIRegistration(id: "1", name: "Other name", developerKeyID: "170000000000042"),
            CanvasLTIRegistration(id: "2", name: "Also other"),
            CanvasLTIRegistration(id: "3", name: "reader"),
            CanvasLTIRegistration(id: "4", name: "Reader", workflowState: "deleted"),
            CanvasLTIRegistration(id: "5", name: "Reader", inherited: true),
            CanvasLTIRegistration(id: "6", name: "Unrelated"),
        ], tools: [CanvasTool(id: "9", context: "account:1", name: "x", domain: "Reader.Example", registrationID: "2")])
        let reader = integration("Reader", .lti13)
        let found = RegistrationMatch.registrations(of: reader, in: snapshot, domains: ["reader.example"], releasedKeys: ["170000000000042"])
        #expect(found.map(\.id) == ["1", "2", "3"])
        #expect(RegistrationMatch.registrations(of: reader, in: snapshot, domains: [], releasedKeys: []).map(\.id) == ["3"])
        #expect(RegistrationMatch.registrations(of: integration("Reader", .apiDeveloperKey), in: snapshot, domains: ["reader.example"], releasedKeys: []).isEmpty,
                "an API integration has no LTI registration")
    }
}
