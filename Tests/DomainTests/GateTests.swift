import Foundation
import Testing
@testable import Domain

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15
private let today = "2027-01-15"

/// A questionnaire whose only question is answered "yes" when complete.
private func questionnaire(_ id: String) -> Questionnaire {
    Questionnaire(id: id, version: 1, title: id.uppercased(), description: "", sections: [
        QuestionnaireSection(id: "s", title: "S", appliesWhen: nil, questions: [
            Question(id: "\(id)-1", text: "?", type: .yesNo, options: [], required: true, requiredWhen: nil, expected: ["yes"], severity: .critical, guidance: nil),
        ]),
    ])
}

/// Everything in order: each test breaks one thing.
struct World {
    var owner = User(id: .init(UUID()), email: "olga@northfield.edu", name: "Olga", role: .admin, passwordHash: "", createdAt: t0)
    var vendor = Vendor(id: .init(UUID()), fields: VendorFields(name: "Quillstone", standing: .goodStanding), createdAt: t0, updatedAt: t0)
    var contract: Contract
    var integration: Integration
    var whitelist: WhitelistVersion? = WhitelistVersion(
        number: 2, entries: [WhitelistEntry(verb: .GET, template: "/api/v1/courses/:course_id/modules", justification: "modules", group: "Modules", kinds: [.courseContent])],
        createdAt: t0, createdBy: "ana")
    var acceptance: WhitelistAcceptance?
    var questionnaires = ["ferpa", "coppa", "key_handling", "ai_use", "accessibility"].map(questionnaire)
    var answers: [Answer]
    var security: Review
    var accessibility: Review
    var findings: [Finding] = []

    init() {
        contract = Contract(id: .init(UUID()), vendorID: vendor.id, fields: ContractFields(
            title: "MSA", kind: .masterAgreement, status: .signed, signedOn: "2026-06-01", startsOn: "2026-06-01", endsOn: "2029-06-30",
            breachNotificationHours: 72, clauses: [.ferpaSchoolOfficial: Clause(present: true), .breachNotification: Clause(present: true), .outOfScopeAction: Clause(present: true)]),
            createdAt: t0, updatedAt: t0)
        integration = Integration(id: .init(UUID()), vendorID: vendor.id, fields: IntegrationFields(
            name: "Reader", kind: .lti13, installLevel: .course, purpose: "Reading", classification: .restricted, ownerID: owner.id), status: .approved,
            createdAt: t0, updatedAt: t0)
        acceptance = WhitelistAcceptance(integrationID: integration.id, version: 2, acceptedBy: "rita", acceptedByID: .init(UUID()), acceptedAt: t0)
        let integrationID = integration.id
        answers = questionnaires.map { q in
            Answer(integrationID: integrationID, questionnaireID: q.id, questionnaireVersion: 1, questionID: "\(q.id)-1", questionText: "?", values: ["yes"],
                   source: .vendor, answeredBy: "v", answeredAt: t0)
        }
        func decided(_ kind: ReviewKind) -> Review {
            Review(id: .init(UUID()), integrationID: integrationID, kind: kind, fields: ReviewFields(reviewerID: .init(UUID()), scope: "s"),
                   decision: ReviewDecisionRecord(decision: .approve, conditions: nil, decidedOn: "2027-01-10", validUntil: "2028-01-10"),
                   createdBy: "rita", createdAt: t0, updatedAt: t0)
        }
        security = decided(.security)
        accessibility = decided(.accessibility)
    }

    var hecvatUnmet: [String]?
    var policy = Policy.standard

    var gate: Gate {
        Gate.evaluate(GateInput(today: today, vendor: vendor, contracts: [contract], integration: integration, owner: integration.fields.ownerID == nil ? nil : owner,
                                whitelist: whitelist, acceptance: acceptance, questionnaires: questionnaires, answers: answers,
                                reviews: [security, accessibility], findings: [security.id: findings], hecvatUnmet: hecvatUnmet), policy: policy)
    }
}

private func only(_ id: String, in gate: Gate) -> Bool { !gate.isMet && gate.unmet.map(\.id) == [id] }

@Suite("Issuance gate")
struct GateTests {
    @Test func aCompleteRecordMeetsEveryItem() {
        let gate = World().gate
        #expect(gate.isMet, "\(gate.unmet.map { "\($0.id): \($0.reason)" })")
        #expect(gate.items.map(\.id) == ["status", "vendor_standing", "contract", "owner", "classification", "whitelist", "questionnaire_ferpa", "questionnaire_coppa",
                                         "questionnaire_key_handling", "questionnaire_ai_use", "questionnaire_accessibility", "accessibility_review", "security_review"])
    }

    @Test func aNonNegotiableHECVATAnswerClosesTheGateOnlyWhenAWorkbookWasImportedAndThePolicyNamesOne() {
        var w = World()
        w.hecvatUnmet = ["PRGN-02 answered “Yes” (No required)"]
        #expect(w.gate.isMet, "the policy names no non-negotiable question")
        w.policy.hecvat.nonNegotiable = ["PRGN-02"]
        #expect(only("hecvat", in: w.gate))
        #expect(w.gate.unmet.first?.reason.contains("PRGN-02 answered “Yes” (No required)") == true)
        #expect(w.gate.unmet.first?.fix == .hecvat(w.integration.id))
        w.hecvatUnmet = []
        #expect(w.gate.isMet && w.gate.items.contains { $0.id == "hecvat" && $0.status == .met })
        w.hecvatUnmet = nil
        #expect(w.gate.isMet && !w.gate.items.contains { $0.id == "hecvat" }, "a HECVAT is not required")
    }

    @Test func eachUnmetItemAloneClosesTheGate() {
        var w = World(); w.vendor.fields.standing = .onNotice
        #expect(only("vendor_standing", in: w.gate))
        w = World(); w.contract.fields.status = .draft
        #expect(only("contract", in: w.gate))
        w = World(); w.contract.fields.clauses[.outOfScopeAction] = Clause(present: false)
        #expect(only("contract", in: w.gate) && w.gate.unmet[0].reason.contains("Right to act"))
        w = World(); w.contract.fields.endsOn = "2027-01-14"
        #expect(only("contract", in: w.gate), "a contract that has ended is not in force")
        w = World(); w.integration.fields.ownerID = nil
        #expect(only("owner", in: w.gate))
        w = World(); w.integration.fields.sendsDataToAI = true
        #expect(only("classification", in: w.gate))
        w = World(); w.whitelist = nil
        #expect(only("whitelist", in: w.gate))
        w = World(); w.acceptance = WhitelistAcceptance(integrationID: w.integration.id, version: 1, acceptedBy: "rita", acceptedByID: .init(UUID()), acceptedAt: t0)
        #expect(only("whitelist", in: w.gate), "an older accepted version does not count")
        w = World(); w.answers.removeAll { $0.questionnaireID == "key_handling" }
        #expect(only("questionnaire_key_handling", in: w.gate))
        w = World(); w.answers[0].mark = .unacceptable
        #expect(only("questionnaire_ferpa", in: w.gate))
        w = World(); w.accessibility.decision = ReviewDecisionRecord(decision: .reject, conditions: "no", decidedOn: "2027-01-10", validUntil: "2028-01-10")
        #expect(only("accessibility_review", in: w.gate))
        w = World(); w.security.decision = ReviewDecisionRecord(decision: .approve, conditions: nil, decidedOn: "2025-01-10", validUntil: "2026-01-10")
        #expect(only("security_review", in: w.gate) && w.gate.unmet[0].reason.contains("expired"))
    }

    @Test func findingsCountUnlessRemediatedOrAcceptedBySomeoneElse() {
        var w = World()
        func finding(_ status: FindingStatus, by: String? = nil) -> Finding {
            Finding(id: .init(UUID()), reviewID: w.security.id, title: "Token logs", description: "", severity: .high, status: status, riskAcceptedBy: by,
                    createdAt: t0, updatedAt: t0)
        }
        w.findings = [finding(.open)]
        #expect(only("security_review", in: w.gate))
        w.findings = [finding(.riskAccepted, by: Actor(user: w.owner).label)]
        #expect(only("security_review", in: w.gate), "the owner accepting their own risk does not count")
        w.findings = [finding(.riskAccepted, by: "rita@northfield.edu (reviewer)")]
        #expect(w.gate.isMet)
        w.findings = [finding(.remediated), Finding(id: .init(UUID()), reviewID: w.security.id, title: "minor", description: "", severity: .medium, createdAt: t0, updatedAt: t0)]
        #expect(w.gate.isMet, "open medium findings do not block")
    }

    @Test func warningsDoNotCloseTheGate() {
        var w = World(); w.contract.fields.endsOn = "2027-02-01"
        #expect(w.gate.isMet && w.gate.items.first { $0.id == "contract" }?.status == .warning)
        w = World(); w.answers[0].mark = .needsClarification
        #expect(w.gate.isMet && w.gate.items.first { $0.id == "questionnaire_ferpa" }?.status == .warning)
        w = World(); w.integration.fields.kind = .apiDeveloperKey
        w.accessibility.decision = nil
        #expect(w.gate.isMet && !w.gate.items.contains { $0.id == "accessibility_review" }, "only what users see needs the accessibility review")
    }
}

@Suite("Key release state machine")
struct KeyReleaseTests {
    let policy = Policy.standard
    let details = ReleaseDetails(canvasKeyID: "170000000000123", scopes: ["url:GET|/api/v1/courses/:course_id/modules"], allowIncludeParameters: false,
                                 expiresOn: nil, rereviewOn: "2028-01-15")

    func release(code: String = "123456") -> KeyRelease {
        let id = KeyRelease.ID(UUID())
        return KeyRelease(id: id, integrationID: .init(UUID()), requestedBy: "ana", requestedByID: .init(UUID()), requestedByEmail: "ana@northfield.edu",
                          requestedAt: t0, codeHash: ReleaseCode.hash(code, release: id), codeIssuedAt: t0, whitelistVersion: 1)
    }

    @Test func theRightCodeReleasesOnceAndCannotBeReused() {
        var r = release()
        #expect(r.verify("123 456", details: details, at: t0.addingTimeInterval(60), policy: policy) == .released)
        #expect(r.state == .released && r.details == details && r.codeHash.isEmpty)
        #expect(r.verify("123456", details: details, at: t0.addingTimeInterval(61), policy: policy) == .notPending)
    }

    @Test func aCodeExpiresAtFiveMinutes() {
        var r = release()
        #expect(r.verify("123456", details: details, at: t0.addingTimeInterval(299.9), policy: policy) == .released)
        var late = release()
        #expect(late.verify("123456", details: details, at: t0.addingTimeInterval(300), policy: policy) == .refused)
        #expect(late.state == .pending && late.attempts == 1)
    }

    @Test func theFourthCodeIsRefusedAndANewCodeReplacesTheOld() throws {
        var r = release(code: "111111")
        try r.resend(codeHash: ReleaseCode.hash("222222", release: r.id), at: t0.addingTimeInterval(240), policy: policy)
        try r.resend(codeHash: ReleaseCode.hash("333333", release: r.id), at: t0.addingTimeInterval(250), policy: policy)
        #expect(r.codesSent == 3)
        #expect(throws: DomainError.self) { try r.resend(codeHash: "x", at: t0.addingTimeInterval(260), policy: policy) }
        #expect(r.verify("111111", details: details, at: t0.addingTimeInterval(261), policy: policy) == .refused, "an older code stops working")
        #expect(r.verify("333333", details: details, at: t0.addingTimeInterval(262), policy: policy) == .released, "the new code is valid for its own five minutes")
    }

    @Test func fiveWrongEntriesLockAndTheSixthIsRefused() {
        var r = release()
        for attempt in 1...4 {
            #expect(r.verify("000000", details: details, at: t0.addingTimeInterval(Double(attempt)), policy: policy) == .refused)
            #expect(r.state == .pending)
        }
        #expect(r.verify("000000", details: details, at: t0.addingTimeInterval(5), policy: policy) == .refused)
        #expect(r.state == .locked)
        #expect(r.verify("123456", details: details, at: t0.addingTimeInterval(6), policy: policy) == .locked, "even the right code, after the lock")
    }

    @Test func theReleaseLocksFifteenMinutesAfterTheRequest() throws {
        var r = release()
        try r.resend(codeHash: ReleaseCode.hash("654321", release: r.id), at: t0.addingTimeInterval(14 * 60), policy: policy)
        #expect(r.state(at: t0.addingTimeInterval(15 * 60 - 1), policy: policy) == .pending)
        #expect(r.state(at: t0.addingTimeInterval(15 * 60), policy: policy) == .locked)
        #expect(r.verify("654321", details: details, at: t0.addingTimeInterval(15 * 60), policy: policy) == .locked, "a fresh code does not outlive the release")
        #expect(throws: DomainError.self) { try r.resend(codeHash: "x", at: t0.addingTimeInterval(15 * 60 + 1), policy: policy) }
    }

    @Test(arguments: 0..<200)
    func noSequenceOfAttemptsReleasesWithoutTheCode(seed: Int) {
        // Property: whatever wrong codes, resends and timings, only the current code within its
        // window ever releases, attempts never exceed five, and nothing happens after the lock.
        var generator = SeededGenerator(seed: UInt64(seed))
        var r = release(code: "424242")
        var current = "424242", issued = t0, clock = t0
        while true {
            clock = clock.addingTimeInterval(Double(Int.random(in: 1...120, using: &generator)))
            if Bool.random(using: &generator), r.codesSent < policy.maxCodes, r.state(at: clock, policy: policy) == .pending {
                current = ReleaseCode.generate(using: &generator)
                try? r.resend(codeHash: ReleaseCode.hash(current, release: r.id), at: clock, policy: policy)
                issued = clock
                continue
            }
            let right = Int.random(in: 0..<4, using: &generator) == 0
            let wasPending = r.state(at: clock, policy: policy) == .pending
            let withinCode = clock.timeIntervalSince(issued) < 300
            let attemptsBefore = r.attempts
            let outcome = r.verify(right ? current : "99999" + String(Int.random(in: 0...9, using: &generator)), details: details, at: clock, policy: policy)
            #expect(r.attempts <= policy.maxAttempts)
            if outcome == .released {
                #expect(right && wasPending && withinCode && attemptsBefore < policy.maxAttempts && clock.timeIntervalSince(t0) < 900)
                break
            }
            if r.state != .pending { #expect(r.state == .locked); break }
        }
    }

    @Test func codesAreSixDigitsAndActionsNeedANote() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<100 { #expect(ReleaseCode.generate(using: &generator).count == 6) }
        #expect(throws: DomainError.self) { _ = try ReleaseAction.turnOff.apply(to: .released, note: " ") }
        #expect(try ReleaseAction.turnOff.apply(to: .released, note: "vendor breach") == .off)
        #expect(throws: DomainError.self) { _ = try ReleaseAction.turnOn.apply(to: .retired, note: "x") }
        let errors: [String: String]
        do { _ = try ReleaseDetails.validate(canvasKeyID: "abc", allowIncludeParameters: nil, expiresOn: "2020-01-01", rereviewOn: "", scopes: ["s"], today: today); errors = [:] }
        catch let DomainError.validation(e) { errors = e.messages }
        #expect(Set(errors.keys) == ["canvasKeyID", "expiresOn", "rereviewOn"])
    }

    @Test func thePolicyFileOverridesDefaultsAndNamesItsMistakes() throws {
        let node = DefinitionNode.mapping([
            (key: "release", keyLine: 1, value: .mapping([(key: "max_attempts", keyLine: 2, value: .scalar("3", line: 2))], line: 2)),
            (key: "tokens", keyLine: 3, value: .mapping([(key: "who_may_hold", keyLine: 4, value: .scalar("admins_only", line: 4))], line: 4)),
        ], line: 1)
        let policy = try Policy.parse(node, file: "policy.yaml")
        #expect(policy.maxAttempts == 3 && policy.tokenHolders == .adminsOnly && policy.codeValidMinutes == 5)
        let bad = DefinitionNode.mapping([(key: "release", keyLine: 1, value: .mapping([(key: "max_tries", keyLine: 7, value: .scalar("3", line: 7))], line: 2))], line: 1)
        #expect(throws: DefinitionError(file: "policy.yaml", line: 7, message: "unknown key 'max_tries' in release")) { _ = try Policy.parse(bad, file: "policy.yaml") }
    }
}

