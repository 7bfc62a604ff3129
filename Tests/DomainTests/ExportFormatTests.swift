import Foundation
import Testing
@testable import Domain

@Suite("Export formats")
struct ExportFormatTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""), ("+1+1", "'+1+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"), ("plain", "plain"), ("a,b", "\"a,b\""), ("line\nbreak", "\"line\nbreak\""), ("Ünïcode “q”", "Ünïcode “q”"),
    ])
    func spreadsheetFormulasAreNeutralisedAndQuotingFollowsRFC4180(raw: String, expected: String) {
        #expect(CSV.cell(raw) == expected)
    }

    @Test func linesEndInCRLFAndRoundTripThroughTheReader() throws {
        let line = CSV.line(["a", "b \"c\"", "=1"])
        #expect(line == "a,\"b \"\"c\"\"\",'=1\r\n")
        #expect(try TokenCSV.rows(line) == [["a", "b \"c\"", "'=1"]])
    }

    @Test func auditLinesKeepTheHashedMilliseconds() {
        let event = AuditChain.seal(AuditEntry(occurredAt: Date(timeIntervalSince1970: 1_800_000_000.1234), actor: .system, entityType: "vendor", entityID: "v",
                                               action: "create", summary: "x"), sequence: 1, previousHash: AuditChain.genesisHash)
        var verifier = AuditChain.Verifier()
        #expect(verifier.check([AuditLine(event).event]) == nil)
    }

    @Test func asOfRebuildsTheWhitelistAndStatusOfTheMoment() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let integration = Integration(id: .init(UUID()), vendorID: .init(UUID()), fields: IntegrationFields(name: "Sync", kind: .apiDeveloperKey, installLevel: .rootAccount,
                                                                                                      purpose: "p", classification: .internal),
                                      status: .inReview, whitelistVersion: 2, createdAt: t0, updatedAt: t0)
        let v1 = WhitelistVersion(number: 1, entries: [WhitelistEntry(verb: .GET, template: "/api/v1/users/:id", justification: "x", group: "Users", kinds: [.userPII])],
                                  createdAt: t0, createdBy: "a")
        let v2 = WhitelistVersion(number: 2, entries: v1.entries + [WhitelistEntry(verb: .PUT, template: "/api/v1/users/:id", justification: "y", group: "Users", kinds: [.userPII])],
                                  createdAt: t0.addingTimeInterval(200), createdBy: "a")
        func event(_ seq: Int64, _ action: String, _ at: TimeInterval, _ summary: String = "") -> AuditEvent {
            AuditEvent(sequence: seq, occurredAt: t0.addingTimeInterval(at), actorID: nil, actorLabel: "a", entityType: "integration", entityID: integration.id.description,
                       action: action, summary: summary, previousHash: "", hash: "")
        }
        let events = [event(1, "submit_for_review", 10), event(2, "approve", 20), event(3, "scope_changed", 200, "Sync — scope changed since release of 1 key(s); review re-opened (was approved)")]
        let input = AsOf.Input(integration: integration, versions: [v1, v2], events: events, releases: [], releaseEvents: [])
        let before = AsOf.row(input, at: t0.addingTimeInterval(100))!
        #expect(before.statusThen == "Approved" && before.whitelistVersionThen == 1 && before.endpointsThen == ["GET /api/v1/users/:id"] && before.changedSince)
        let after = AsOf.row(input, at: t0.addingTimeInterval(300))!
        #expect(after.statusThen == "In review" && after.whitelistVersionThen == 2 && !after.changedSince)
        #expect(AsOf.row(input, at: t0.addingTimeInterval(-1)) == nil, "not yet recorded")
    }
}
