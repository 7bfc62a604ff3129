import Foundation
import Testing
@testable import Domain

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15

private func unmetIDs(_ gate: Gate) -> [String] { gate.unmet.map(\.id) }

@Suite("The gate holds (pure)")
struct GateHoldsDomainTests {
    @Test(arguments: [IntegrationStatus.draft, .inReview, .rejected, .suspended, .retired])
    func onlyAnApprovedIntegrationMeetsTheStatusItem(status: IntegrationStatus) {
        var w = World()
        w.integration.status = status
        #expect(unmetIDs(w.gate) == ["status"], "\(status) alone closes the gate")
        #expect(w.gate.unmet[0].reason.contains(status.label.lowercased()))
    }

    @Test func approvedWithConditionsIsMetAndSaysTheConditions() {
        var w = World()
        w.integration.status = .approvedWithConditions
        w.integration.statusChange = StatusChange(note: "Remove tokens from logs", by: "rita@northfield.edu (reviewer)", at: t0)
        let item = w.gate.items.first { $0.id == "status" }
        #expect(item?.status == .met && item?.reason.contains("Remove tokens from logs") == true && item?.reason.contains("rita@") == true)
        w.integration.status = .active
        #expect(w.gate.isMet)
    }

    @Test func aMarkThatNoLongerCountsBlocksUntilMarkedAgain() {
        var w = World()
        w.answers[0].mark = .unacceptable
        w.answers[0].markStale = true
        #expect(w.answers[0].currentMark == nil)
        #expect(unmetIDs(w.gate) == ["questionnaire_ferpa"])
        #expect(w.gate.unmet[0].reason.lowercased().contains("changed since marked"))
        // Even a stale acceptance blocks: the changed answer has not been looked at.
        w.answers[0].mark = .accepted
        #expect(unmetIDs(w.gate) == ["questionnaire_ferpa"])
        w.answers[0].markStale = false
        #expect(w.gate.isMet)
    }

    @Test func aCriticalDeviationBlocksUntilAReviewerAcceptsIt() {
        var w = World()
        w.answers[0].values = ["no"]  // the expected answer is yes, severity critical
        #expect(unmetIDs(w.gate) == ["questionnaire_ferpa"])
        #expect(w.gate.unmet[0].reason.contains("not accepted by a reviewer"))
        w.answers[0].mark = .accepted
        #expect(w.gate.isMet, "accepted by a reviewer, the deviation no longer blocks")
        #expect(w.gate.items.first { $0.id == "questionnaire_ferpa" }?.status == .met)
        // A deviation less severe than the policy's blocking severity only warns.
        var strict = World()
        strict.answers[0].values = ["no"]
        strict.questionnaires[0] = Questionnaire(id: "ferpa", version: 1, title: "FERPA", description: "", sections: [
            QuestionnaireSection(id: "s", title: "S", appliesWhen: nil, questions: [
                Question(id: "ferpa-1", text: "?", type: .yesNo, options: [], required: true, requiredWhen: nil, expected: ["yes"], severity: .standard, guidance: nil),
            ]),
        ])
        #expect(strict.gate.isMet && strict.gate.items.first { $0.id == "questionnaire_ferpa" }?.status == .warning, "a standard deviation only warns")
    }

    @Test func theOwnerNeverDecidesTheirOwnIntegration() throws {
        let w = World()
        let owner = Actor(user: w.owner)
        for action in [IntegrationAction.approve, .approveWithConditions, .reject, .reinstate] {
            #expect(throws: DomainError.separationOfDuties) { try SeparationOfDuties.ensureMayTake(action, by: owner, on: w.integration) }
        }
        for action in [IntegrationAction.submitForReview, .suspend, .retire, .reopen, .activate] {
            try SeparationOfDuties.ensureMayTake(action, by: owner, on: w.integration)
        }
        try SeparationOfDuties.ensureMayTake(.approve, by: .commandLine, on: w.integration)
        #expect(!SeparationOfDuties.mayTake(.approve, w.owner, on: w.integration))
        #expect(throws: DomainError.separationOfDuties) { try SeparationOfDuties.ensureNotOwner(owner, of: w.integration) }
    }

    @Test func aLockedReleaseSaysWhyInWordsThatLeadSomewhere() {
        let policy = Policy.standard
        var release = KeyRelease(id: .init(UUID()), integrationID: .init(UUID()), requestedBy: "ana", requestedByID: .init(UUID()), requestedByEmail: "ana@x.edu",
                                 requestedAt: t0, codeHash: "h", codeIssuedAt: t0, whitelistVersion: 1)
        #expect(release.lockReason(at: t0, policy: policy) == nil)
        #expect(release.lockReason(at: t0.addingTimeInterval(16 * 60), policy: policy)?.contains("not confirmed within 15 minutes") == true)
        release.attempts = 5
        release.state = .locked
        #expect(release.lockReason(at: t0, policy: policy) == "This release is locked after 5 wrong codes. Start a new release from the integration page.")
    }

    @Test func mailboxesAreQuotedAndEncoded() {
        #expect(MailMessage.headerMailbox("Vera Vendor <vera@vendor.example>") == "Vera Vendor <vera@vendor.example>")
        #expect(MailMessage.headerMailbox("Smith, Ann <ann@x.edu>") == "\"Smith, Ann\" <ann@x.edu>")
        #expect(MailMessage.headerMailbox("Ann \"Q\" Smith <ann@x.edu>") == "\"Ann \\\"Q\\\" Smith\" <ann@x.edu>")
        let encoded = MailMessage.headerMailbox("Müller, José <jm@x.edu>")
        #expect(encoded == "=?UTF-8?B?" + Data("Müller, José".utf8).base64EncodedString() + "?= <jm@x.edu>")
        #expect(MailMessage.headerMailbox("plain@x.edu") == "plain@x.edu")
        let rendered = MailMessage(from: "VendorReview <vr@x.edu>", to: ["Müller, José <jm@x.edu>", "Smith, Ann <ann@x.edu>"], subject: "S", body: "B")
            .rendered(messageID: "m@x", date: t0)
        #expect(rendered.contains("To: =?UTF-8?B?") && rendered.contains(", \"Smith, Ann\" <ann@x.edu>"), "two recipients, not four")
    }

    @Test func optionKeysReadAsWords() {
        #expect(AnswerSheet.humanize("vpat_2_5_wcag") == "VPAT 2.5 WCAG")
        #expect(AnswerSheet.humanize("vpat_2_5_508") == "VPAT 2.5 508")
        #expect(AnswerSheet.humanize("deleted_within_30_days") == "deleted within 30 days")
        #expect(AnswerSheet.humanize("grades") == "grades")
        #expect(AnswerSheet.humanize("Line one\nline_two") == "Line one\nline_two", "typed text is left as typed")
    }

    @Test func thePacketSummaryRecommendsOnlyWhatMeetsTheGate() {
        let met = World().gate
        var closed = World()
        closed.integration.status = .draft
        let summary = PacketSummary(vendor: "Quillstone", integrations: [
            .init(name: "Reader", gate: met, risk: .medium, conditions: ["Remove tokens from logs"], keysReleased: 1, keysGateLapsed: 0),
            .init(name: "Grades", gate: closed.gate, risk: .high, conditions: [], keysReleased: 1, keysGateLapsed: 1),
        ], signedContractsWithoutDocument: ["MSA"])
        #expect(summary.recommendation == "Not recommended yet: Grades has 1 open gate item.")
        #expect(summary.paragraph.contains("Overall risk: high.") && summary.paragraph.contains("Open conditions: Reader: Remove tokens from logs."))
        #expect(summary.paragraph.contains("Warnings: the signed contract “MSA” has no document attached."))
        #expect(summary.paragraph.hasSuffix("Keys released: 2, 1 of them with the gate no longer met."))
        let good = PacketSummary(vendor: "Quillstone", integrations: [.init(name: "Reader", gate: met, risk: nil, conditions: [], keysReleased: 0, keysGateLapsed: 0)],
                                 signedContractsWithoutDocument: [])
        #expect(good.paragraph == "Recommended: every integration of Quillstone meets the issuance gate. Overall risk: no endpoints declared. Open conditions: none. Warnings: none. Keys released: 0.")
    }

    @Test func overdueAssignedWorkIsDueOnceADay() {
        let review = ReminderSubject(kind: .reviewDue, subjectID: "r1", title: "Reader security review", day: "2027-01-10", recipients: ["rita"], link: nil,
                                     dailyWhenOverdue: true)
        let contract = ReminderSubject(kind: .contractEnds, subjectID: "c1", title: "MSA", day: "2027-01-10", recipients: ["ana"], link: nil)
        let due = Reminders.due([review, contract], today: "2027-01-15", thresholds: [30, 7], alreadySent: [])
        #expect(due.map(\.subject.subjectID) == ["r1"], "a past contract end is not mailed daily")
        #expect(due[0].daysLeft == -5 && due[0].keys == ["review_due:r1:2027-01-10:overdue:2027-01-15"])
        #expect(Reminders.due([review], today: "2027-01-15", thresholds: [30], alreadySent: Set(due[0].keys)).isEmpty)
        #expect(Reminders.due([review], today: "2027-01-16", thresholds: [30], alreadySent: Set(due[0].keys)).count == 1)
        let link = ReminderSubject(kind: .linkExpires, subjectID: "l1", title: "link", day: "2027-01-20", recipients: ["v"], link: nil, thresholds: [2])
        #expect(Reminders.due([link], today: "2027-01-15", thresholds: [90, 30, 7], alreadySent: []).isEmpty, "its own threshold, not the policy's")
        #expect(Reminders.due([link], today: "2027-01-18", thresholds: [90, 30, 7], alreadySent: []).count == 1)
    }

    @Test func thePolicyNamesTheBlockingSeverityAndTheLinkReminder() throws {
        func tree(_ severity: String, _ days: String) -> DefinitionNode {
            .mapping([
                (key: "gate", keyLine: 1, value: .mapping([(key: "blocking_deviation_severity", keyLine: 2, value: .scalar(severity, line: 2))], line: 2)),
                (key: "reminders", keyLine: 3, value: .mapping([(key: "link_expiry_days", keyLine: 4, value: .scalar(days, line: 4))], line: 4)),
            ], line: 1)
        }
        let policy = try Policy.parse(tree("standard", "3"), file: "policy.yaml")
        #expect(policy.blockingDeviationSeverity == .standard && policy.linkReminderDays == 3)
        #expect(throws: DefinitionError.self) { try Policy.parse(tree("severe", "3"), file: "policy.yaml") }
        #expect(throws: DefinitionError.self) { try Policy.parse(tree("critical", "0"), file: "policy.yaml") }
    }

    @Test func queuesShowEachRoleItsOwnKindsMostUrgentFirst() {
        let today = "2027-01-15"
        let items = [
            QueueItem(kind: .answersToMark, title: "B", detail: "", today: today, target: .integration(.init(UUID()))),
            QueueItem(kind: .findingDue, title: "A", detail: "", due: "2027-01-20", today: today, target: .integration(.init(UUID()))),
            QueueItem(kind: .findingDue, title: "C", detail: "", due: "2027-01-10", today: today, target: .integration(.init(UUID()))),
            QueueItem(kind: .gateLapsed, title: "D", detail: "", today: today, target: .integration(.init(UUID()))),
            QueueItem(kind: .releasePending, title: "E", detail: "", today: today, target: .integration(.init(UUID()))),
        ]
        #expect(WorkQueue.sorted(items, for: .reviewer).map(\.title) == ["C", "D", "B", "A"], "overdue first, then released keys")
        #expect(WorkQueue.sorted(items, for: .procurement).map(\.title) == ["C", "D", "A"])
        #expect(WorkQueue.sorted(items, for: .admin).map(\.title) == ["C", "D", "E", "B", "A"])
        #expect(items[2].overdue && !items[1].overdue)
    }
}
