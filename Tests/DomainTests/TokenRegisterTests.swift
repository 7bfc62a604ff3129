import Foundation
import Testing
@testable import Domain

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

private func token(_ role: TokenHolderRole, purpose: String? = "Sync", created: String = "2026-09-01", expires: String? = "2026-10-01",
                   integration: Integration.ID? = nil, revoked: Bool = false) -> RegisteredToken {
    RegisteredToken(id: .init(UUID()), fields: RegisteredTokenFields(holder: "Sam", role: role, purpose: purpose, createdOn: created, expiresOn: expires,
                                                                      integrationID: integration),
                    revokedOn: revoked ? "2026-10-02" : nil, source: "form", createdAt: t0)
}

@Suite("Token policy and register import")
struct TokenRegisterTests {
    @Test func studentsPurposesAndExpiryFollowThePolicy() {
        var policy = Policy.standard
        #expect(TokenPolicy.violations(token(.teacher), policy: policy).isEmpty)
        #expect(TokenPolicy.violations(token(.student), policy: policy).map(\.rule) == ["Students may not hold tokens"])
        #expect(TokenPolicy.violations(token(.teacher, purpose: nil), policy: policy).map(\.rule) == ["A purpose is required"])
        policy.tokenHolders = .everyone
        #expect(TokenPolicy.violations(token(.student, expires: "2026-12-30"), policy: policy).isEmpty, "120 days exactly is allowed")
        #expect(TokenPolicy.violations(token(.student, expires: "2026-12-31"), policy: policy).map(\.rule) == ["Student tokens expire within 120 days"])
        #expect(TokenPolicy.violations(token(.student, expires: nil), policy: policy).first?.detail == "It never expires.")
        policy.tokenHolders = .adminsOnly
        #expect(TokenPolicy.violations(token(.staff), policy: policy).map(\.rule) == ["Only admins may hold tokens"])
        #expect(TokenPolicy.violations(token(.serviceAccount), policy: policy).isEmpty)
        #expect(TokenPolicy.violations(token(.student, purpose: nil, revoked: true), policy: policy).isEmpty, "a revoked token breaks nothing")
        #expect(TokenPolicy.recommendation(token(.teacher, integration: .init(UUID())))?.contains("service account") == true)
        #expect(TokenPolicy.recommendation(token(.serviceAccount, integration: .init(UUID()))) == nil)
    }

    @Test func csvQuotingFollowsRFC4180() throws {
        let rows = try TokenCSV.rows("a,\"b, with comma\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n\n")
        #expect(rows == [["a", "b, with comma", "say \"hi\""], ["multi\nline", "", "x"]])
        #expect(throws: DomainError.self) { _ = try TokenCSV.rows("a,\"unterminated\n") }
    }

    @Test func ownAndCanvasDataFormatsImportAndBadLinesImportNothing() throws {
        let integration = Integration.ID(UUID())
        let own = "holder,role,purpose,created_on,expires_on,last_used_on,integration_id\nPat Lee,teacher,Gradebook script,2026-09-01,,2026-11-01,Reader\n"
        let parsed = try TokenCSV.parse(own, integrations: ["Reader": integration])
        #expect(parsed.count == 1 && parsed[0].integrationID == integration && parsed[0].expiresOn == nil && parsed[0].role == .teacher)
        let canvasData = """
        developer_key_id,user_id,purpose,expires_at,last_used_at,workflow_state,created_at
        170000000000555,4411,,2027-06-01T00:00:00Z,2026-11-20T10:00:00Z,active,2026-06-01T09:30:00Z
        170000000000001,98,reporting,null,,deleted,2025-01-01 00:00:00
        """
        let imported = try TokenCSV.parse(canvasData, integrations: ["170000000000555": integration])
        #expect(imported.map(\.holder) == ["Canvas user 4411", "Canvas user 98"])
        #expect(imported[0].integrationID == integration && imported[0].role == .unknown && imported[0].createdOn == "2026-06-01" && imported[0].lastUsedOn == "2026-11-20")
        #expect(imported[1].workflowState == "deleted" && imported[1].expiresOn == nil)
        do {
            _ = try TokenCSV.parse("holder,role,created_on\nA,teacher,2026-01-01\nB,wizard,2026-01-01\nC,staff,yesterday\n", integrations: [:])
            Issue.record("a bad line must refuse the file")
        } catch let DomainError.validation(errors) {
            let message = errors["file"] ?? ""
            #expect(message.hasPrefix("Nothing was imported") && message.contains("line 3: role") && message.contains("line 4: createdOn"))
        }
        #expect(throws: DomainError.self) { _ = try TokenCSV.parse("name,email\nx,y\n", integrations: [:]) }
    }

    @Test func inheritedKeysAreFlaggedWhenOnAndUnreviewed() throws {
        let known: Set<Integration.ID> = [.init(UUID())]
        let on = try InheritedKeyFields.validate(name: "Turnitin global", vendor: "Turnitin", canvasKeyID: "1~2", state: "on", dependents: [known.first!.description],
                                                 reviewed: "", notes: nil, known: known)
        #expect(on.isFlagged && on.dependents == [known.first!])
        #expect(!InheritedKeyFields(name: "x", vendor: "y", state: .off).isFlagged)
        #expect(!InheritedKeyFields(name: "x", vendor: "y", state: .allow, reviewed: true).isFlagged)
        #expect(throws: DomainError.self) {
            _ = try InheritedKeyFields.validate(name: "x", vendor: "y", canvasKeyID: nil, state: "on", dependents: [UUID().uuidString], reviewed: nil, notes: nil, known: known)
        }
    }
}
