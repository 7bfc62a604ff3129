import Foundation
import Testing
@testable import Domain

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)
private let integrationID = Integration.ID(UUID())

private func review(_ kind: ReviewKind, outcomes: [ACRArea: ACROutcome] = [:], remediation: String? = nil) -> Review {
    Review(id: .init(UUID()), integrationID: integrationID, kind: kind,
           fields: ReviewFields(reviewerID: .init(UUID()), scope: "OAuth flow", outcomes: outcomes, remediation: remediation),
           createdBy: "rita", createdAt: t0, updatedAt: t0)
}

private func finding(_ severity: FindingSeverity, _ status: FindingStatus = .open, on r: Review) -> Finding {
    Finding(id: .init(UUID()), reviewID: r.id, title: "\(severity)", description: "", severity: severity, status: status, createdAt: t0, updatedAt: t0)
}

private func decide(_ decision: String, conditions: String? = nil, validUntil: String? = nil, _ r: Review, _ findings: [Finding] = []) throws -> ReviewDecisionRecord {
    try ReviewDecisionRecord.validate(decision: decision, conditions: conditions, validUntil: validUntil, today: "2026-11-23", review: r, findings: findings)
}

private func messages(_ body: () throws -> Void) -> [String: String] {
    do { try body() } catch let DomainError.validation(errors) { return errors.messages } catch { return ["unexpected": "\(error)"] }
    return [:]
}

@Suite("Reviews: decisions, locking and separation of duties")
struct ReviewTests {
    @Test func aDecisionIsValidTwelveMonthsByDefaultOrUntilAChosenDay() throws {
        let r = review(.security)
        #expect(try decide("approve", r).validUntil == "2027-11-23")
        #expect(try decide("approve", validUntil: "2027-06-30", r).validUntil == "2027-06-30")
        #expect(messages { _ = try decide("approve", validUntil: "2026-11-23", r) }["validUntil"] != nil, "today is not in the future")
        #expect(messages { _ = try decide("approve", validUntil: "2030-01-01", r) }["validUntil"] != nil, "more than three years")
        #expect(messages { _ = try decide("approve", validUntil: "2027-02-30", r) }["validUntil"] != nil)
        #expect(messages { _ = try decide("maybe", r) }["decision"] != nil)
    }

    @Test func conditionsAndReasonsAreRequired() {
        let r = review(.security)
        #expect(messages { _ = try decide("approve_with_conditions", r) }["conditions"] == "List the conditions of approval.")
        #expect(messages { _ = try decide("reject", r) }["conditions"] != nil)
        #expect(messages { _ = try decide("reject", conditions: "Stores tokens in plain text", r) }.isEmpty)
    }

    @Test func openSeriousFindingsBlockApproval() throws {
        let r = review(.security)
        #expect(messages { _ = try decide("approve", r, [finding(.high, on: r)]) }["decision"]?.contains("high") == true)
        #expect(try decide("approve_with_conditions", conditions: "fix in 30 days", r, [finding(.high, on: r)]).decision == .approveWithConditions)
        #expect(messages { _ = try decide("approve_with_conditions", conditions: "x", r, [finding(.critical, on: r)]) }["decision"] != nil)
        #expect(try decide("approve", r, [finding(.critical, .riskAccepted, on: r), finding(.high, .remediated, on: r), finding(.medium, on: r)]).decision == .approve)
        #expect(try decide("reject", conditions: "no", r, [finding(.critical, on: r)]).decision == .reject)
    }

    @Test func accessibilityNeedsEveryOutcomeAndRemediationForGaps() throws {
        let partial = review(.accessibility, outcomes: [.perceivable: .supports])
        #expect(messages { _ = try decide("approve", partial) }["decision"]?.contains("Operable") == true)
        var all = Dictionary(uniqueKeysWithValues: ACRArea.allCases.map { ($0, ACROutcome.supports) })
        all[.robust] = .partiallySupports
        #expect(messages { _ = try decide("approve", review(.accessibility, outcomes: all)) }["decision"]?.contains("remediation") == true)
        #expect(try decide("approve", review(.accessibility, outcomes: all, remediation: "Fix focus order by 2027-03")).decision == .approve)
    }

    @Test func aDecidedReviewIsLockedAndCurrentOnlyUntilValidUntil() throws {
        var r = review(.security)
        try r.ensureOpen()
        r.decision = try decide("approve", r)
        #expect(throws: DomainError.locked(entity: "security review")) { try r.ensureOpen() }
        #expect(r.isCurrent(on: "2027-11-23"))
        #expect(!r.isCurrent(on: "2027-11-24"))
        var rejected = review(.security)
        rejected.decision = try decide("reject", conditions: "no", rejected)
        #expect(!rejected.isCurrent(on: "2026-11-24"), "a rejection never counts as a current approval")
    }

    @Test func theOwnerCannotDecideAndOnlyReviewersOrAdminsCan() throws {
        let owner = User(id: .init(UUID()), email: "o@x.edu", name: "Owner", role: .reviewer, passwordHash: "", createdAt: t0)
        let other = User(id: .init(UUID()), email: "r@x.edu", name: "Rita", role: .reviewer, passwordHash: "", createdAt: t0)
        let procurement = User(id: .init(UUID()), email: "p@x.edu", name: "Pat", role: .procurement, passwordHash: "", createdAt: t0)
        let integration = Integration(
            id: integrationID, vendorID: .init(UUID()),
            fields: IntegrationFields(name: "Sync", kind: .lti13, installLevel: .course, purpose: "p", classification: .internal, ownerID: owner.id),
            createdAt: t0, updatedAt: t0)
        #expect(throws: DomainError.separationOfDuties) { try SeparationOfDuties.ensureCanDecide(owner, integration: integration) }
        #expect(throws: DomainError.forbidden) { try SeparationOfDuties.ensureCanDecide(procurement, integration: integration) }
        try SeparationOfDuties.ensureCanDecide(other, integration: integration)
        let errors = messages {
            _ = try ReviewFields.validate(reviewerID: owner.id.description, scope: "s", outcomes: [:], remediation: nil, reviewers: [owner, other], ownerID: owner.id)
        }
        #expect(errors["reviewerID"]?.contains("separation of duties") == true, "the owner cannot be assigned as reviewer either")
        #expect(messages {
            _ = try ReviewFields.validate(reviewerID: procurement.id.description, scope: "s", outcomes: [:], remediation: nil, reviewers: [other], ownerID: nil)
        }["reviewerID"] != nil, "only people who may review can be chosen")
    }

    @Test func findingsNeedATitleASeverityAndAValidDueDate() throws {
        let errors = messages { _ = try FindingFields.validate(title: " ", description: nil, severity: "urgent", dueOn: "soon") }
        #expect(Set(errors.keys) == ["title", "severity", "dueOn"])
        let ok = try FindingFields.validate(title: "Token in URL", description: "seen in logs", severity: "high", dueOn: "2027-01-15")
        #expect(ok.severity == .high && ok.dueOn == "2027-01-15")
    }

    @Test func calendarMonthsClampToTheMonthEnd() {
        #expect(CalendarDay.adding(months: 12, to: "2028-02-29") == "2029-02-28")
        #expect(CalendarDay.adding(months: 1, to: "2026-01-31") == "2026-02-28")
        #expect(CalendarDay.adding(months: 12, to: "2026-11-23") == "2027-11-23")
        #expect(CalendarDay.of(Date(timeIntervalSince1970: 0)) == "1970-01-01")
    }
}

@Suite("Answers and vendor links")
struct AnswerRuleTests {
    static let questionnaire = Questionnaire(id: "coppa", version: 2, title: "COPPA", description: "", sections: [
        QuestionnaireSection(id: "scope", title: "Scope", appliesWhen: nil, questions: [
            Question(id: "Q1", text: "Under 13?", type: .yesNo, options: [], required: true, requiredWhen: nil, expected: nil, severity: nil, guidance: nil),
        ]),
        QuestionnaireSection(id: "coppa", title: "COPPA", appliesWhen: AnswerCondition(question: "Q1", anyOf: ["yes"]), questions: [
            Question(id: "Q2", text: "Consent?", type: .singleChoice, options: ["school", "parent"], required: true, requiredWhen: nil,
                     expected: ["school"], severity: .critical, guidance: nil),
            Question(id: "Q3", text: "Policy", type: .fileEvidence, options: [], required: true, requiredWhen: nil, expected: nil, severity: nil, guidance: nil),
        ]),
    ])

    @Test func sheetsAreCheckedPerQuestionAndUnknownIdsRefused() throws {
        let errors = messages { _ = try AnswerSheet.validate(["Q1": ["perhaps"], "Q9": ["x"]], for: Self.questionnaire) }
        #expect(errors["Q1"] != nil && errors["Q9"] != nil)
        let cleaned = try AnswerSheet.validate(["Q1": [" yes "], "Q2": ["parent"], "Q3": ["smuggled.pdf"]], for: Self.questionnaire)
        #expect(cleaned == ["Q1": ["yes"], "Q2": ["parent"]], "file evidence is answered by uploading, never by typing")
    }

    @Test func answersAreReadOnlyForTheirOwnVersion() {
        func answer(_ version: Int, _ q: String, _ values: [String]) -> Answer {
            Answer(integrationID: integrationID, questionnaireID: "coppa", questionnaireVersion: version, questionID: q, questionText: q,
                   values: values, source: .vendor, answeredBy: "v", answeredAt: t0)
        }
        let values = AnswerSheet.values([answer(1, "Q1", ["no"]), answer(2, "Q1", ["yes"]), answer(2, "Q2", ["parent"])], for: Self.questionnaire)
        #expect(values == ["Q1": ["yes"], "Q2": ["parent"]])
        let progress = QuestionnaireProgress(Self.questionnaire, answers: values)
        #expect(progress.missing.map(\.id) == ["Q3"], "the COPPA section applies because Q1 is yes")
        #expect(progress.deviations.map(\.severity) == [.critical])
    }

    @Test func marksNeedACommentUnlessAccepted() throws {
        #expect(try AnswerMark.validate(mark: "accepted", comment: "").0 == .accepted)
        #expect(messages { _ = try AnswerMark.validate(mark: "unacceptable", comment: " ") }["comment"] != nil)
        #expect(messages { _ = try AnswerMark.validate(mark: "fine", comment: "x") }["mark"] != nil)
        #expect(AnswerSheet.humanize("not_applicable") == "not applicable")
        #expect(AnswerSheet.humanize("2026-01-01 notes_here.") == "2026-01-01 notes_here.", "free text is left alone")
    }

    @Test func linksLastFourteenDaysByDefaultAndStopWhenExpiredOrRevoked() throws {
        let fields = try VendorLinkFields.validate(contactName: "Vera", contactEmail: "VERA@Vendor.example", days: "")
        #expect(fields.days == 14 && fields.contactEmail == "vera@vendor.example")
        #expect(Set(messages { _ = try VendorLinkFields.validate(contactName: "", contactEmail: "nope", days: "90") }.keys) == ["contactName", "contactEmail", "days"])
        var link = VendorLink(id: .init(UUID()), integrationID: integrationID, contactName: "Vera", contactEmail: "vera@vendor.example", hint: "vl_abcd…",
                              createdBy: "ana", createdAt: t0, expiresAt: t0.addingTimeInterval(14 * 86_400))
        #expect(link.state(at: t0) == .active)
        #expect(link.state(at: t0.addingTimeInterval(14 * 86_400)) == .expired)
        link.revokedAt = t0
        #expect(link.state(at: t0) == .revoked && !link.isUsable(at: t0))
    }
}
