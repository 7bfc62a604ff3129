@testable import Domain
import Foundation
@testable import Persistence
import TestSupport
import Testing

private func question(_ id: String, _ type: AnswerType, options: [String] = [], expected: [String]? = nil) -> Question {
    Question(id: id, text: "Text of \(id)", type: type, options: options, required: true, requiredWhen: nil, expected: expected,
             severity: expected == nil ? nil : .standard, guidance: nil)
}

private func questionnaire(version: Int) -> Questionnaire {
    Questionnaire(id: "ferpa", version: version, title: "FERPA", description: "", sections: [
        QuestionnaireSection(id: "s", title: "S", appliesWhen: nil, questions: [
            question("F1", .yesNo, expected: ["yes"]), question("F2", .text), question("F3", .fileEvidence),
        ]),
    ])
}

@Suite("Answers, answer links and reviews on every engine")
struct ReviewRepositoryTests {
    @Test(arguments: TestEngine.available)
    func answersAreKeptPerVersionAndMarksClearWhenAnAnswerChanges(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Gradebook sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let v1 = questionnaire(version: 1)
            let vendorActor = Actor(userID: nil, label: "vendor contact Vera <vera@vendor.example>")
            #expect(try await store.answers.save(["F1": ["no"], "F2": ["Deleted within 30 days"]], questionnaire: v1, integration: integration.id,
                                                 source: .vendor, by: vendorActor, at: t0) == 2)
            #expect(try await store.answers.save(["F1": ["no"]], questionnaire: v1, integration: integration.id, source: .vendor, by: vendorActor, at: t0) == 0,
                    "an unchanged answer is not written again")
            try await store.answers.mark("F1", questionnaire: v1, integration: integration.id, as: .unacceptable, comment: "Must be a school official",
                                         by: admin, at: t0)
            var f1 = try #require(try await store.answers.answers(integration.id).first { $0.questionID == "F1" })
            #expect(f1.mark == .unacceptable && f1.markComment == "Must be a school official" && f1.source == .vendor)

            // Staff change the answer: the mark stays visible but no longer counts (changed since marked),
            // and its dropping is an audit event of its own.
            _ = try await store.answers.save(["F1": ["yes"]], questionnaire: v1, integration: integration.id, source: .staff, by: admin, at: t0)
            f1 = try #require(try await store.answers.answers(integration.id).first { $0.questionID == "F1" })
            #expect(f1.values == ["yes"] && f1.source == .staff && f1.mark == .unacceptable && f1.markStale && f1.currentMark == nil)
            let trail = try await store.audit.list(AuditQuery(entityType: "integration", entityID: integration.id.description))
            #expect(trail.items.contains { $0.action == "mark_superseded" && $0.summary.contains("F1: unacceptable") })
            // Changing it again records no second superseded mark; marking it again makes the mark count.
            _ = try await store.answers.save(["F1": ["no"]], questionnaire: v1, integration: integration.id, source: .staff, by: admin, at: t0)
            #expect(try await store.audit.list(AuditQuery(entityType: "integration", entityID: integration.id.description)).items
                .filter { $0.action == "mark_superseded" }.count == 1)
            try await store.answers.mark("F1", questionnaire: v1, integration: integration.id, as: .accepted, comment: nil, by: admin, at: t0)
            f1 = try #require(try await store.answers.answers(integration.id).first { $0.questionID == "F1" })
            #expect(f1.currentMark == .accepted && !f1.markStale)
            _ = try await store.answers.save(["F1": ["yes"]], questionnaire: v1, integration: integration.id, source: .staff, by: admin, at: t0)

            // A new definition version starts empty; the old answers stay as they were.
            let v2 = questionnaire(version: 2)
            _ = try await store.answers.save(["F1": ["not_applicable"]], questionnaire: v2, integration: integration.id, source: .staff, by: admin, at: t0)
            let all = try await store.answers.answers(integration.id)
            #expect(AnswerSheet.values(all, for: v1) == ["F1": ["yes"], "F2": ["Deleted within 30 days"]])
            #expect(AnswerSheet.values(all, for: v2) == ["F1": ["not_applicable"]])

            // Clearing removes the answer.
            _ = try await store.answers.save(["F2": []], questionnaire: v1, integration: integration.id, source: .staff, by: admin, at: t0)
            #expect(AnswerSheet.values(try await store.answers.answers(integration.id), for: v1)["F2"] == nil)

            // Evidence answers its question, and belongs to its integration only.
            let bytes = Array("%PDF-1.4 policy".utf8)
            let document = EvidenceDocument(id: .init(UUID()), integrationID: integration.id, questionnaireID: "ferpa", questionnaireVersion: 1,
                                            questionID: "F3", filename: "policy.pdf", type: .pdf, size: bytes.count, sha256: DocumentCheck.sha256(bytes),
                                            source: .vendor, uploadedBy: vendorActor.label, uploadedAt: t0)
            try await store.answers.attach(document, bytes: bytes, questionText: "Text of F3", by: vendorActor)
            #expect(try await store.answers.evidence(integration.id) == [document])
            #expect(AnswerSheet.values(try await store.answers.answers(integration.id), for: v1)["F3"] == ["policy.pdf"])
            let (_, content) = try #require(try await store.answers.evidenceDocument(document.id, of: integration.id))
            #expect(content == bytes)
            let other = try await store.integrations.create(integrationFields("Other"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            #expect(try await store.answers.evidenceDocument(document.id, of: other.id) == nil)

            await #expect(throws: DomainError.notFound(entity: "answer")) {
                try await store.answers.mark("F2", questionnaire: v2, integration: integration.id, as: .accepted, comment: nil, by: admin, at: t0)
            }
            let events = try await store.audit.list(AuditQuery(entityType: "integration", entityID: integration.id.description)).items.map(\.action)
            #expect(events.filter { $0 == "answer" }.count == 6)
            #expect(events.contains("mark") && events.contains("evidence"))
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func linksAreStoredAsHashesAndCanBeRevoked(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Gradebook sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let link = try await store.vendorLinks.create(VendorLinkFields(contactName: "Vera", contactEmail: "vera@vendor.example"), integration: integration.id,
                                                          id: .init(UUID()), secretHash: TokenSecret.hash("vl_secret"), hint: "vl_secr…", by: admin, at: t0)
            #expect(link.expiresAt == t0.addingTimeInterval(14 * 86_400))
            #expect(try await store.vendorLinks.find(secretHash: TokenSecret.hash("vl_secret")) == link)
            #expect(try await store.vendorLinks.find(secretHash: "vl_secret") == nil, "only the hash is stored")
            let other = try await store.integrations.create(integrationFields("Other"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            await #expect(throws: DomainError.notFound(entity: "answer link")) {
                try await store.vendorLinks.revoke(link.id, of: other.id, by: admin, at: t0)
            }
            try await store.vendorLinks.revoke(link.id, of: integration.id, by: admin, at: t0.addingTimeInterval(60))
            try await store.vendorLinks.markSubmitted(link.id, by: .system, at: t0.addingTimeInterval(30))
            let stored = try #require(try await store.vendorLinks.list(integration.id).first)
            #expect(stored.state(at: t0.addingTimeInterval(61)) == .revoked && stored.revokedBy == admin.label && stored.submittedAt != nil)
        }
    }

    @Test(arguments: TestEngine.available)
    func decidedReviewsAreLockedAndSupersededByNewOnes(engine: TestEngine) async throws {
        try await withMigratedDatabase(engine) { db in
            let store = db.store
            let reviewer = try await store.users.create(NewUser(email: "rita@northfield.example", name: "Rita", role: .reviewer),
                                                        id: .init(UUID()), passwordHash: "x", by: admin, at: t0)
            let vendor = try await store.vendors.create(fields("Quillstone"), id: .init(UUID()), by: admin, at: t0)
            let integration = try await store.integrations.create(integrationFields("Gradebook sync"), vendorID: vendor.id, id: .init(UUID()), by: admin, at: t0)
            let fields = ReviewFields(reviewerID: reviewer.id, scope: "OAuth and token storage")
            let review = try await store.reviews.create(fields, kind: .security, integration: integration.id, id: .init(UUID()), supersedes: nil, by: admin, at: t0)
            await #expect(throws: DomainError.self) {
                _ = try await store.reviews.create(fields, kind: .security, integration: integration.id, id: .init(UUID()), supersedes: nil, by: admin, at: t0)
            }
            let finding = try await store.reviews.addFinding(FindingFields(title: "Token in query string", description: "", severity: .high),
                                                             to: review.id, id: .init(UUID()), by: admin, at: t0)
            let accepted = try await store.reviews.setFindingStatus(finding.id, of: review.id, to: .riskAccepted, by: admin, at: t0)
            #expect(accepted.riskAcceptedBy == admin.label)
            await #expect(throws: DomainError.staleVersion(entity: "review", expected: 7, actual: 1)) {
                _ = try await store.reviews.decide(review.id, expectedVersion: 7, by: admin, decidedByID: reviewer.id, at: t0) { _, _ in
                    ReviewDecisionRecord(decision: .approve, conditions: nil, decidedOn: "2027-01-15", validUntil: "2028-01-15")
                }
            }
            let decided = try await store.reviews.decide(review.id, expectedVersion: 1, by: admin, decidedByID: reviewer.id, at: t0) { current, findings in
                #expect(findings.map(\.status) == [.riskAccepted], "the check sees the findings as stored")
                return try ReviewDecisionRecord.validate(decision: "approve", conditions: nil, validUntil: nil, today: "2027-01-15", review: current, findings: findings)
            }
            #expect(decided.decision?.validUntil == "2028-01-15" && decided.version == 2)
            let locked = DomainError.locked(entity: "security review")
            await #expect(throws: locked) {
                _ = try await store.reviews.addFinding(FindingFields(title: "Late", description: "", severity: .low), to: review.id, id: .init(UUID()), by: admin, at: t0)
            }
            await #expect(throws: locked) { _ = try await store.reviews.setFindingStatus(finding.id, of: review.id, to: .open, by: admin, at: t0) }
            await #expect(throws: locked) { _ = try await store.reviews.update(review.id, to: fields, expectedVersion: 2, by: admin, at: t0) }
            await #expect(throws: locked) {
                _ = try await store.reviews.decide(review.id, expectedVersion: 2, by: admin, decidedByID: reviewer.id, at: t0) { _, _ in decided.decision! }
            }
            let again = try await store.reviews.create(fields, kind: .security, integration: integration.id, id: .init(UUID()), supersedes: review.id,
                                                       by: admin, at: t0.addingTimeInterval(1))
            #expect(again.supersedes == review.id)
            let history = try await store.reviews.reviews(integration.id)
            #expect(history.map(\.id) == [again.id, review.id], "newest first; the decided one stays")
            #expect(try await store.reviews.find(review.id)?.decision == decided.decision)
            #expect(try await store.audit.verifyChain().1 == nil)
        }
    }
}
