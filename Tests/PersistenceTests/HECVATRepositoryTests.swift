@testable import Domain
import Foundation
import Persistence
import TestSupport
import Testing

private let ferpa = Questionnaire(id: "ferpa", version: 1, title: "FERPA", description: "", sections: [
    QuestionnaireSection(id: "s", title: "S", appliesWhen: nil, questions: [
        Question(id: "F1", text: "Act as a school official?", type: .yesNo, options: [], required: true, requiredWhen: nil, expected: ["yes"],
                 severity: .critical, guidance: nil),
        Question(id: "F2", text: "Re-disclose?", type: .yesNo, options: [], required: true, requiredWhen: nil, expected: ["no"], severity: .critical, guidance: nil),
    ]),
])

private func workbook(_ answer: String) -> HECVATWorkbook {
    HECVATWorkbook(version: "4.1.2", answers: [HECVATAnswer(id: "PRGN-01", question: "School official?", answer: answer, additional: "", sheet: "Q")])
}

private func carried(_ question: String, _ value: String, from id: String) -> HECVATCarried.Value {
    HECVATCarried.Value(questionnaireID: "ferpa", questionID: question, values: [value], hecvatID: id)
}

@Suite("HECVAT imports on every engine")
struct HECVATRepositoryTests {
    @Test(arguments: TestEngine.available)
    func importsAreNumberedAndCarriedAnswersNeverReplaceOnesGivenHere(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Acme"), id: .init(UUID()), by: admin, at: t0)
            let one = try await store.integrations.create(integrationFields("Quiz"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let two = try await store.integrations.create(integrationFields("Roster"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            // The vendor answered F2 itself.
            _ = try await store.answers.save(["F2": ["yes"]], questionnaire: ferpa, integration: one.id, source: .vendor, by: admin, at: t0)

            let (first, result) = try await store.hecvat.store(workbook("Yes"), for: one.id, filename: "h.xlsx", sha256: "abc", carried: [
                (ferpa, [carried("F1", "yes", from: "PRGN-01"), carried("F2", "no", from: "PRGN-02")]),
            ], by: admin, at: t0)
            #expect(first.number == 1 && first.workbook == workbook("Yes"))
            #expect(result.written.count == 1 && result.keptOwn == ["ferpa F2"])
            var answers = try await store.answers.answers(one.id)
            #expect(answers.first { $0.questionID == "F1" }.map { ($0.source, $0.origin, $0.values) } ?? (.staff, nil, []) == (.hecvat, "HECVAT PRGN-01", ["yes"]))
            #expect(answers.first { $0.questionID == "F2" }?.source == .vendor && answers.first { $0.questionID == "F2" }?.values == ["yes"])

            // A reviewer marks the carried answer; a newer workbook that changes it makes the mark stale.
            try await store.answers.mark("F1", questionnaire: ferpa, integration: one.id, as: .accepted, comment: nil, by: admin, at: t0)
            let (second, again) = try await store.hecvat.store(workbook("No"), for: one.id, filename: "h2.xlsx", sha256: "def", carried: [
                (ferpa, [carried("F1", "no", from: "PRGN-01")]),
            ], by: admin, at: t0.addingTimeInterval(60))
            #expect(second.number == 2 && again.written.count == 1)
            answers = try await store.answers.answers(one.id)
            #expect(answers.first { $0.questionID == "F1" }?.markStale == true)
            // The same answer again changes nothing.
            let (_, unchanged) = try await store.hecvat.store(workbook("No"), for: one.id, filename: "h3.xlsx", sha256: "ghi", carried: [
                (ferpa, [carried("F1", "no", from: "PRGN-01")]),
            ], by: admin, at: t0.addingTimeInterval(120))
            #expect(unchanged.written.isEmpty)
            // Answering it here takes it over: the origin goes.
            _ = try await store.answers.save(["F1": ["yes"]], questionnaire: ferpa, integration: one.id, source: .staff, by: admin, at: t0)
            #expect(try await store.answers.answers(one.id).first { $0.questionID == "F1" }?.origin == nil)

            #expect(try await store.hecvat.history(one.id).map(\.number) == [3, 2, 1])
            #expect(try await store.hecvat.history(two.id).isEmpty)
            let latest = try await store.hecvat.latest(of: [one.id, two.id])
            #expect(latest.count == 1 && latest[one.id]?.number == 3)
            #expect(try await store.audit.list(AuditQuery(action: "hecvat_import")).items.count == 3)
            #expect(try await store.audit.verifyChain().1 == nil)
            await #expect(throws: DomainError.notFound(entity: "integration")) {
                try await store.hecvat.store(workbook("Yes"), for: .init(UUID()), filename: "x", sha256: "x", carried: [], by: admin, at: t0)
            }

            // The newest LTI configuration of several integrations at once.
            let tool = LTIConfiguration(ltiVersion: "1.3", title: "T", targetLinkURI: nil, oidcInitiationURL: nil, privacyLevel: .anonymous, placements: [],
                                        scopes: [], domains: [])
            _ = try await store.lti.store(tool, for: two.id, filename: "a.json", sha256: "1", by: admin, at: t0)
            _ = try await store.lti.store(tool, for: two.id, filename: "b.json", sha256: "2", by: admin, at: t0)
            let lti = try await store.lti.latest(of: [one.id, two.id])
            #expect(lti.count == 1 && lti[two.id]?.version == 2)
        }
    }
}
