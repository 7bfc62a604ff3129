import Foundation

/// The institution's changes to HECVAT scoring (`hecvat:` in `data/policy.yaml`): other weights for
/// some questions, and questions whose preferred answer is required (non-negotiable).
public struct HECVATPolicy: Equatable, Sendable {
    public var weights: [String: HECVATWeight] = [:]
    public var nonNegotiable: Set<String> = []

    public init(weights: [String: HECVATWeight] = [:], nonNegotiable: Set<String> = []) {
        self.weights = weights
        self.nonNegotiable = nonNegotiable
    }
}

/// How one question fared.
public enum HECVATOutcome: String, Sendable {
    /// The preferred answer.
    case met
    /// Another answer, or none.
    case notMet = "not_met"
    /// Answered N/A: left out of the total.
    case notApplicable = "not_applicable"
    /// Its section does not apply (by the routing answers): left out.
    case outOfScope = "out_of_scope"
    /// Not in the scoring data: shown, not scored.
    case unscored
}

public struct HECVATScoredAnswer: Equatable, Sendable {
    public let answer: HECVATAnswer
    public let weight: HECVATWeight?
    public let preferred: HECVATResponse?
    public let outcome: HECVATOutcome
    public let nonNegotiable: Bool

    public var points: Int { outcome == .met ? weight?.points ?? 0 : 0 }
    public var possible: Int { [.met, .notMet].contains(outcome) ? weight?.points ?? 0 : 0 }
}

public struct HECVATSectionScore: Equatable, Sendable {
    public let prefix: String
    public let title: String
    public let applies: Bool
    public let earned: Int
    public let possible: Int
    public let notMet: Int
    public let questions: Int

    /// Whole per cent of the points possible; nil when nothing in the section is scored.
    public var percent: Int? { possible == 0 ? nil : (earned * 100) / possible }
}

/// A workbook scored the way HECVAT scores: each in-scope question with a preferred answer earns its
/// weight's points when answered that way; N/A leaves the total; a blank or other answer earns none.
public struct HECVATScore: Equatable, Sendable {
    public let routing: [(id: String, label: String, answer: HECVATResponse)]
    public let items: [HECVATScoredAnswer]
    public let sections: [HECVATSectionScore]

    public static func == (a: HECVATScore, b: HECVATScore) -> Bool {
        a.items == b.items && a.sections == b.sections && a.routing.map(\.id) == b.routing.map(\.id) && a.routing.map(\.answer) == b.routing.map(\.answer)
    }

    public var earned: Int { sections.reduce(0) { $0 + $1.earned } }
    public var possible: Int { sections.reduce(0) { $0 + $1.possible } }
    public var percent: Int? { possible == 0 ? nil : (earned * 100) / possible }

    /// What a reviewer reads first: non-negotiable questions not met, then Critical ones not met, then
    /// Standard and Minor ones not met, each in workbook order.
    public var attention: [HECVATScoredAnswer] {
        let unmet = items.filter { $0.outcome == .notMet }
        return unmet.filter(\.nonNegotiable) + unmet.filter { !$0.nonNegotiable && $0.weight == .critical }
            + unmet.filter { !$0.nonNegotiable && $0.weight != .critical }
    }

    /// The non-negotiable questions answered otherwise than preferred.
    public var unmetNonNegotiable: [HECVATScoredAnswer] { items.filter { $0.nonNegotiable && $0.outcome == .notMet } }

    public init(_ workbook: HECVATWorkbook, bank: HECVATBank, policy: HECVATPolicy) {
        let routing = bank.routing.map { route in (route.id, route.label, workbook.answer(route.id)?.response ?? .unanswered) }
        self.routing = routing
        let yes = Set(routing.filter { $0.2 == .yes }.map(\.0))
        func applies(_ prefix: String) -> Bool {
            guard let section = bank.section(prefix), !section.appliesWhen.isEmpty else { return true }
            return section.appliesWhen.contains { yes.contains($0) }
        }
        var items: [HECVATScoredAnswer] = []
        for answer in workbook.answers where answer.section != "REQU" {
            let rule = bank.rules[answer.id]
            let weight = policy.weights[answer.id] ?? rule?.weight
            let nonNegotiable = policy.nonNegotiable.contains(answer.id)
            let outcome: HECVATOutcome
            if rule == nil {
                outcome = .unscored
            } else if !applies(answer.section) {
                outcome = .outOfScope
            } else if answer.response == .notApplicable {
                outcome = .notApplicable
            } else {
                outcome = answer.response == rule!.preferred ? .met : .notMet
            }
            items.append(HECVATScoredAnswer(answer: answer, weight: weight, preferred: rule?.preferred, outcome: outcome, nonNegotiable: nonNegotiable && rule != nil))
        }
        self.items = items
        var order: [String] = bank.sections.map(\.prefix)
        for item in items where !order.contains(item.answer.section) { order.append(item.answer.section) }
        sections = order.compactMap { prefix in
            let inSection = items.filter { $0.answer.section == prefix }
            guard !inSection.isEmpty else { return nil }
            return HECVATSectionScore(prefix: prefix, title: bank.section(prefix)?.title ?? prefix, applies: applies(prefix),
                                      earned: inSection.reduce(0) { $0 + $1.points }, possible: inSection.reduce(0) { $0 + $1.possible },
                                      notMet: inSection.filter { $0.outcome == .notMet }.count, questions: inSection.count)
        }
    }
}

/// One difference between two imports of the same integration's HECVAT.
public struct HECVATChange: Equatable, Sendable {
    public enum Kind: String, Sendable { case changed, added, removed }

    public let id: String
    public let question: String
    public let kind: Kind
    public let before: String?
    public let after: String?
    /// Only the additional information changed (the answer is the same).
    public let onlyAdditional: Bool

    /// What changed from the earlier workbook to the later, in the later one's order (removed ones last).
    public static func between(_ earlier: HECVATWorkbook, _ later: HECVATWorkbook) -> [HECVATChange] {
        let old = Dictionary(earlier.answers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Set(later.answers.map(\.id))
        var changes: [HECVATChange] = []
        for answer in later.answers {
            guard let before = old[answer.id] else {
                changes.append(HECVATChange(id: answer.id, question: answer.question, kind: .added, before: nil, after: answer.answer, onlyAdditional: false))
                continue
            }
            let sameAnswer = before.answer.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == answer.answer.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if !sameAnswer || before.additional != answer.additional {
                changes.append(HECVATChange(id: answer.id, question: answer.question, kind: .changed, before: before.answer, after: answer.answer, onlyAdditional: sameAnswer))
            }
        }
        for answer in earlier.answers where !new.contains(answer.id) {
            changes.append(HECVATChange(id: answer.id, question: answer.question, kind: .removed, before: answer.answer, after: nil, onlyAdditional: false))
        }
        return changes
    }
}

/// HECVAT answers carried into VendorReview's questionnaires.
public struct HECVATCarried: Equatable, Sendable {
    public struct Value: Equatable, Sendable {
        public let questionnaireID: String
        public let questionID: String
        public let values: [String]
        public let hecvatID: String

        public init(questionnaireID: String, questionID: String, values: [String], hecvatID: String) {
            self.questionnaireID = questionnaireID
            self.questionID = questionID
            self.values = values
            self.hecvatID = hecvatID
        }
    }

    public let values: [Value]
    /// Mapped questions whose wording in this workbook does not read as expected, or whose answer
    /// is neither Yes nor No: left for the vendor to answer (id → reason).
    public let skipped: [(hecvatID: String, reason: String)]

    public static func == (a: HECVATCarried, b: HECVATCarried) -> Bool {
        a.values == b.values && a.skipped.map(\.hecvatID) == b.skipped.map(\.hecvatID) && a.skipped.map(\.reason) == b.skipped.map(\.reason)
    }

    public init(_ workbook: HECVATWorkbook, bank: HECVATBank) {
        var values: [Value] = []
        var skipped: [(String, String)] = []
        for mapping in bank.mappings {
            guard let answer = workbook.answer(mapping.hecvatID) else { continue }
            guard mapping.matches(answer) else {
                skipped.append((mapping.hecvatID, "its wording in this workbook does not mention “\(mapping.words.joined(separator: "”, “"))”"))
                continue
            }
            guard let mapped = mapping.values[answer.response] else {
                if answer.response != .unanswered { skipped.append((mapping.hecvatID, "answered “\(answer.answer.prefix(40))”, not Yes or No")) }
                continue
            }
            // The first mapping to a question wins.
            if values.contains(where: { $0.questionnaireID == mapping.questionnaireID && $0.questionID == mapping.questionID }) { continue }
            values.append(Value(questionnaireID: mapping.questionnaireID, questionID: mapping.questionID, values: mapped, hecvatID: mapping.hecvatID))
        }
        self.values = values
        self.skipped = skipped
    }
}
