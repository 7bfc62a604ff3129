import Domain
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Web

/// Definitions are YAML read by the web layer; the rules they obey live in Domain.
@Suite("Questionnaire definitions")
struct QuestionnaireTests {
    let shipped: [Questionnaire] = (try? ReferenceData.loadQuestionnaires(dataDirectory: repositoryRoot + "/data/")) ?? []

    func questionnaire(_ id: String) -> Questionnaire { shipped.first { $0.id == id }! }

    @Test func theShippedQuestionnairesLoad() {
        #expect(shipped.map(\.id) == ["accessibility", "ai_use", "coppa", "ferpa", "key_handling"])
        let ids = shipped.flatMap(\.questions).map(\.id)
        #expect(Set(ids).count == ids.count, "question ids are unique across questionnaires")
        #expect(shipped.allSatisfy { $0.version == 1 })
        #expect(questionnaire("ferpa").questions.first { $0.id == "VR-FERPA-02" }?.expected == ["yes"], "YAML 'yes' stays the word yes")
    }

    static let header = "id: sample\nversion: 1\ntitle: Sample\nsections:\n  - id: s\n    title: S\n    questions:\n"

    @Test(arguments: [
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n        colour: red\n", 11, "unknown key 'colour'"),
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n        required_when: {question: Q2, any_of: [yes]}\n", 11, "not an earlier question"),
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n        expected: maybe\n        severity: critical\n", 11, "expected answer 'maybe'"),
        (header + "      - id: Q1\n        text: A\n        type: single_choice\n        options: [only]\n", 8, "list at least two options"),
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n      - id: Q1\n        text: B\n        type: text\n", 11, "used twice"),
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n        expected: yes\n", 8, "give it a severity"),
        (header + "      - id: Q1\n        text: A\n        type: essay\n", 10, "unknown type 'essay'"),
        (header + "      - id: Q1\n        text: A\n        type: yes_no\n      - id: Q2\n        text: B\n        type: text\n        required_when: {question: Q1, any_of: [perhaps]}\n", 14, "'perhaps' is not an answer 'Q1' allows"),
        ("id: other\nversion: 1\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n      - id: Q1\n        text: A\n        type: text\n", 1, "must match the file name"),
        ("id: sample\nversion: zero\ntitle: T\nsections: []\n", 2, "whole number"),
    ])
    func problemsNameTheirLine(yaml: String, line: Int, message: String) {
        do {
            _ = try ReferenceData.parseQuestionnaire(yaml, file: "/defs/sample.yaml")
            Issue.record("accepted")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("/defs/sample.yaml:\(line):"), "\(text)")
            #expect(text.contains(message), "\(text)")
        }
    }

    @Test func readersSeeTheDefinitions() async throws {
        try await withWebApp { h in
            let page = try await (try await h.signedIn(.reviewer)).get("/questionnaires")
            #expect(page.status == .ok)
            #expect(page.text.contains("COPPA — users under 13"))
            #expect(page.text.contains("Only when VR-COPPA-01 is yes"))
            #expect(page.text.contains("required when VR-FERPA-03 is yes"))
        }
    }

    @Test func invalidYAMLIsReportedWithTheFile() {
        #expect(throws: ReferenceData.LoadError.self) { try ReferenceData.parseQuestionnaire("id: [unclosed", file: "x.yaml") }
    }

    @Test func completenessFollowsRequiredWhen() {
        let ferpa = questionnaire("ferpa")
        var answers: [String: [String]] = ["VR-FERPA-01": ["grades"], "VR-FERPA-02": ["yes"], "VR-FERPA-03": ["no"]]
        var progress = QuestionnaireProgress(ferpa, answers: answers)
        #expect(progress.missing.map(\.id) == ["VR-FERPA-05", "VR-FERPA-06", "VR-FERPA-07", "VR-FERPA-08"])
        #expect(progress.percent == 42)
        answers["VR-FERPA-03"] = ["yes"]
        progress = QuestionnaireProgress(ferpa, answers: answers)
        #expect(progress.missing.first?.id == "VR-FERPA-04", "re-disclosure makes 'to whom' required")
        for (id, value) in [("VR-FERPA-04", "Hosting provider under DPA"), ("VR-FERPA-05", "deleted_within_30_days"), ("VR-FERPA-06", "yes"),
                            ("VR-FERPA-07", "within_72_hours"), ("VR-FERPA-08", "Sam Vendor, security@vendor.example")] {
            answers[id] = [value]
        }
        #expect(QuestionnaireProgress(ferpa, answers: answers).isComplete)
    }

    @Test func theCOPPASectionAppliesOnlyForChildren() {
        let coppa = questionnaire("coppa")
        let adults = QuestionnaireProgress(coppa, answers: ["VR-COPPA-01": ["no"]])
        #expect(adults.isComplete)
        #expect(adults.requiredCount == 1)
        let children = QuestionnaireProgress(coppa, answers: ["VR-COPPA-01": ["yes"]])
        #expect(children.requiredCount == 5)
        #expect(!children.isComplete)
    }

    @Test func deviationsFromExpectedAnswersComeMostSevereFirst() {
        let progress = QuestionnaireProgress(questionnaire("ferpa"), answers: [
            "VR-FERPA-05": ["kept_longer"], "VR-FERPA-02": ["no"], "VR-FERPA-07": ["within_24_hours"],
        ])
        #expect(progress.deviations.map(\.question.id) == ["VR-FERPA-02", "VR-FERPA-05"])
        #expect(progress.deviations.map(\.severity) == [.critical, .standard])
    }

    @Test func answersAreCheckedAgainstTheirQuestion() throws {
        let questions = Dictionary(uniqueKeysWithValues: shipped.flatMap(\.questions).map { ($0.id, $0) })
        #expect(throws: DomainError.self) { try QuestionnaireAnswers.validate(["maybe"], for: questions["VR-KEY-02"]!) }
        #expect(throws: DomainError.self) { try QuestionnaireAnswers.validate(["2026-02-30"], for: questions["VR-A11Y-03"]!) }
        #expect(throws: DomainError.self) { try QuestionnaireAnswers.validate(["grades", "horoscopes"], for: questions["VR-AI-03"]!) }
        #expect(try QuestionnaireAnswers.validate([" yes ", ""], for: questions["VR-KEY-02"]!) == ["yes"])
        #expect(try QuestionnaireAnswers.validate(["grades", "student_work"], for: questions["VR-AI-03"]!).count == 2)
    }
}
