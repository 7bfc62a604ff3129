import Foundation

/// Where what a vendor says and what its integration touches disagree.
public enum ContradictionKind: String, CaseIterable, Codable, Sendable {
    /// Says it collects no personal data, but the whitelist or LTI configuration reaches personal data.
    case personalData = "personal_data"
    /// Says it uses no AI, but its AI answers or HECVAT AI section say otherwise (or the other way round).
    case ai
    /// The LTI privacy level sends names or e-mail, but the vendor declared it receives no contact details.
    case ltiPrivacy = "lti_privacy"
    /// The drift scan saw calls reaching data the vendor never declared.
    case undeclaredData = "undeclared_data"

    public var title: String {
        switch self {
        case .personalData: "Says it collects no personal data"
        case .ai: "What it says about AI disagrees"
        case .ltiPrivacy: "The LTI privacy level sends what the vendor said it does not receive"
        case .undeclaredData: "Requests reach data that was never declared"
        }
    }
}

/// One disagreement: the vendor's words (with where they were given) against what was seen.
public struct Contradiction: Equatable, Sendable {
    public let kind: ContradictionKind
    public let claims: [String]
    public let evidence: [String]

    public init(kind: ContradictionKind, claims: [String], evidence: [String]) {
        self.kind = kind
        self.claims = claims
        self.evidence = evidence
    }

    public var title: String { kind.title }
}

/// A call the drift scan saw outside the whitelist, with the data its endpoint reaches (from the catalog).
public struct ObservedCall: Equatable, Sendable {
    public let method: String
    public let endpoint: String
    public let count: Int
    public let elements: [DataElement]

    public init(method: String, endpoint: String, count: Int, elements: [DataElement]) {
        self.method = method
        self.endpoint = endpoint
        self.count = count
        self.elements = elements
    }
}

/// Finds every contradiction between the vendor's answers (ours, and its newest HECVAT) and what the
/// integration touches: the data map, the LTI configuration and the newest drift scan.
public enum Contradictions {
    public static func find(answers: [Answer], hecvat: HECVATWorkbook?, map: DataMap, lti: LTIConfiguration?, observed: [ObservedCall]) -> [Contradiction] {
        let said = Said(answers: answers, hecvat: hecvat)
        var found: [Contradiction] = []

        // No personal data, by our FERPA question or HECVAT's routing question.
        var none: [String] = []
        if let records = said.values("VR-FERPA-01"), !records.isEmpty, Set(records).isSubset(of: ["none", "course_content_only"]) {
            none.append(said.where("VR-FERPA-01", "FERPA VR-FERPA-01 (education records touched)") + ": “\(AnswerSheet.summary(records))”")
        }
        if let access = hecvat?.answer("REQU-08"), access.response == .no { none.append("HECVAT REQU-08 (access to personal data): No") }
        let personal = map.personal.map { "\($0.element.label): \($0.causeSummary)" }
        if !none.isEmpty, !personal.isEmpty { found.append(Contradiction(kind: .personalData, claims: none, evidence: personal)) }

        // AI: any "no" against any "yes".
        var noAI: [String] = []
        var usesAI: [String] = []
        if let ai = said.values("VR-AI-01") {
            let text = said.where("VR-AI-01", "AI questionnaire VR-AI-01 (sends data to AI services)")
            if ai == ["no"] { noAI.append(text + ": No") }
            if ai == ["yes"] { usesAI.append(text + ": Yes") }
        }
        if let sent = said.values("VR-AI-03"), !sent.isEmpty {
            usesAI.append(said.where("VR-AI-03", "AI questionnaire VR-AI-03 (data sent to AI)") + ": “\(AnswerSheet.summary(sent))”")
        }
        if let features = hecvat?.answer("REQU-04") {
            // The same HECVAT answer carried into VR-AI-01 is one statement, not two.
            if said.origin("VR-AI-01") != "HECVAT REQU-04" {
                if features.response == .no { noAI.append("HECVAT REQU-04 (AI features): No") }
                if features.response == .yes { usesAI.append("HECVAT REQU-04 (AI features): Yes") }
            }
        }
        let section = (hecvat?.answers ?? []).filter { $0.section == "AIQU" && ![.notApplicable, .unanswered].contains($0.response) }
        if !section.isEmpty {
            usesAI.append("HECVAT AI section answered: " + section.prefix(5).map { "\($0.id) “\($0.answer.prefix(40))”" }.joined(separator: ", ")
                + (section.count > 5 ? " and \(section.count - 5) more" : ""))
        }
        if !noAI.isEmpty, !usesAI.isEmpty { found.append(Contradiction(kind: .ai, claims: noAI, evidence: usesAI)) }

        // The LTI privacy level against "no contact details".
        if let lti, lti.privacyLevel.sendsPersonalData, let records = said.values("VR-FERPA-01"), !records.isEmpty, !records.contains("student_contact_details") {
            let sent = [DataElement.names, .email, .profile, .sisIDs].filter { element in
                map.item(element)?.causes.contains { $0.hasPrefix("LTI privacy level") } == true
            }
            found.append(Contradiction(
                kind: .ltiPrivacy,
                claims: [said.where("VR-FERPA-01", "FERPA VR-FERPA-01 (education records touched)") + " lists no student contact details: “\(AnswerSheet.summary(records))”"],
                evidence: ["LTI privacy level \(lti.privacyLevel.rawValue) (\(lti.privacyLevel.label)) sends " + sent.map { $0.label.lowercased() }.joined(separator: ", ")]))
        }

        // Calls the drift scan saw that reach data neither the whitelist nor the LTI configuration declares.
        let undeclared = observed.compactMap { call -> String? in
            let missing = call.elements.filter { map.item($0) == nil }
            guard !missing.isEmpty else { return nil }
            return "\(call.method) \(call.endpoint) (\(call.count) \(call.count == 1 ? "call" : "calls")): " + missing.map(\.label).joined(separator: ", ")
        }
        if !undeclared.isEmpty {
            found.append(Contradiction(kind: .undeclaredData, claims: ["The accepted whitelist and the LTI configuration declare none of this data."], evidence: undeclared))
        }
        return found
    }

    /// The vendor's newest answer to each of our questions, and where it came from.
    struct Said {
        let latest: [String: Answer]

        init(answers: [Answer], hecvat: HECVATWorkbook?) {
            var latest: [String: Answer] = [:]
            for answer in answers where latest[answer.questionID].map({ $0.questionnaireVersion <= answer.questionnaireVersion }) ?? true {
                latest[answer.questionID] = answer
            }
            self.latest = latest
        }

        func values(_ question: String) -> [String]? { latest[question]?.values }
        func origin(_ question: String) -> String? { latest[question]?.origin }

        func `where`(_ question: String, _ label: String) -> String {
            guard let answer = latest[question] else { return label }
            return label + (answer.origin.map { " (from \($0))" } ?? " (\(answer.source.label.lowercased()))")
        }
    }
}
