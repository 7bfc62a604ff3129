import Domain
import Foundation
import Testing

@Suite("Contradictions: what the vendor says against what the integration touches")
struct ContradictionTests {
    static let integration = Integration.ID(UUID(uuidString: "00000000-0000-0000-0000-0000000000AA")!)

    static func answer(_ question: String, _ values: [String], source: AnswerSource = .vendor, origin: String? = nil, version: Int = 1) -> Answer {
        Answer(integrationID: integration, questionnaireID: String(question.split(separator: "-")[1]).lowercased(), questionnaireVersion: version,
               questionID: question, questionText: "?", values: values, source: source, answeredBy: "v", answeredAt: Date(timeIntervalSince1970: 0), origin: origin)
    }

    static let rosterMap = DataMap(whitelist: [DataMapTests.entry(.GET, "/api/v1/courses/:course_id/enrollments", [.roster])], lti: nil)
    static let contentMap = DataMap(whitelist: [DataMapTests.entry(.GET, "/api/v1/courses/:course_id/pages", [.courseContent])], lti: nil)

    static func hecvat(_ rows: [(String, String)]) -> HECVATWorkbook {
        HECVATWorkbook(version: "4.1.2", answers: rows.map { HECVATAnswer(id: $0.0, question: "Q \($0.0)", answer: $0.1, additional: "", sheet: "S") })
    }

    @Test func sayingNoPersonalDataWhileTheWhitelistReadsEnrollmentsIsAContradiction() throws {
        let found = Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["course_content_only"])], hecvat: Self.hecvat([("REQU-08", "No")]),
                                        map: Self.rosterMap, lti: nil, observed: [])
        let c = try #require(found.first)
        #expect(found.map(\.kind) == [.personalData])
        #expect(c.claims == ["FERPA VR-FERPA-01 (education records touched) (vendor): “course content only”", "HECVAT REQU-08 (access to personal data): No"])
        #expect(c.evidence == ["Names: GET /api/v1/courses/:course_id/enrollments", "Course rosters and enrollments: GET /api/v1/courses/:course_id/enrollments"])
        #expect(Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["course_content_only"])], hecvat: nil, map: Self.contentMap, lti: nil, observed: []).isEmpty,
                "course content is not personal data")
        #expect(Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["enrollments_and_rosters"])], hecvat: nil, map: Self.rosterMap, lti: nil, observed: []).isEmpty)
        #expect(Contradictions.find(answers: [], hecvat: nil, map: Self.rosterMap, lti: nil, observed: []).isEmpty, "nothing said, nothing contradicted")
    }

    @Test func sayingNoAIAgainstAIAnswersOrTheHECVATAISection() throws {
        let noAI = Self.answer("VR-AI-01", ["no"])
        let withSection = Contradictions.find(answers: [noAI], hecvat: Self.hecvat([("AIQU-01", "Yes"), ("AIQU-02", "N/A")]), map: Self.contentMap, lti: nil, observed: [])
        #expect(withSection.map(\.kind) == [.ai])
        #expect(withSection.first?.evidence == ["HECVAT AI section answered: AIQU-01 “Yes”"])
        let withRouting = Contradictions.find(answers: [noAI], hecvat: Self.hecvat([("REQU-04", "Yes")]), map: Self.contentMap, lti: nil, observed: [])
        #expect(withRouting.first?.evidence == ["HECVAT REQU-04 (AI features): Yes"])
        let ownDetails = Contradictions.find(answers: [noAI, Self.answer("VR-AI-03", ["grades"])], hecvat: nil, map: Self.contentMap, lti: nil, observed: [])
        #expect(ownDetails.first?.evidence.first?.contains("VR-AI-03") == true)
        let theOtherWay = Contradictions.find(answers: [Self.answer("VR-AI-01", ["yes"])], hecvat: Self.hecvat([("REQU-04", "No")]), map: Self.contentMap, lti: nil, observed: [])
        #expect(theOtherWay.first?.claims == ["HECVAT REQU-04 (AI features): No"])
        // One HECVAT answer carried into our question is one statement: it does not contradict itself.
        let carried = Self.answer("VR-AI-01", ["no"], source: .hecvat, origin: "HECVAT REQU-04")
        #expect(Contradictions.find(answers: [carried], hecvat: Self.hecvat([("REQU-04", "No")]), map: Self.contentMap, lti: nil, observed: []).isEmpty)
        #expect(Contradictions.find(answers: [noAI], hecvat: Self.hecvat([("AIQU-01", "N/A"), ("REQU-04", "No")]), map: Self.contentMap, lti: nil, observed: []).isEmpty)
    }

    @Test func anLTIPrivacyLevelThatSendsNamesAgainstNoContactDetails() throws {
        let lti = DataMapTests.lti(.public)
        let map = DataMap(whitelist: [], lti: lti)
        let found = Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["grades"])], hecvat: nil, map: map, lti: lti, observed: [])
        #expect(found.map(\.kind) == [.ltiPrivacy])
        #expect(found.first?.evidence == ["LTI privacy level public (\(LTIPrivacyLevel.public.label)) sends names, e-mail addresses, other personal details (login ids, pronouns, pictures, time zones), student information system ids"])
        let anonymous = DataMapTests.lti(.anonymous)
        #expect(Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["grades"])], hecvat: nil, map: DataMap(whitelist: [], lti: anonymous), lti: anonymous, observed: []).isEmpty)
        #expect(Contradictions.find(answers: [Self.answer("VR-FERPA-01", ["grades", "student_contact_details"])], hecvat: nil, map: map, lti: lti, observed: []).isEmpty)
    }

    @Test func callsTheDriftScanSawToUndeclaredData() throws {
        let observed = [ObservedCall(method: "GET", endpoint: "/api/v1/users/:id/profile", count: 12, elements: [.names, .email, .profile]),
                        ObservedCall(method: "GET", endpoint: "/api/v1/courses/:course_id/users", count: 1, elements: [.names]),
                        ObservedCall(method: "GET", endpoint: "/api/v1/courses/:course_id/modules", count: 3, elements: [.courseContent])]
        let found = Contradictions.find(answers: [], hecvat: nil, map: Self.rosterMap, lti: nil, observed: observed)
        #expect(found.map(\.kind) == [.undeclaredData])
        #expect(found.first?.evidence == ["GET /api/v1/users/:id/profile (12 calls): E-mail addresses, Other personal details (login ids, pronouns, pictures, time zones)",
                                          "GET /api/v1/courses/:course_id/modules (3 calls): Course content"], "names are declared by the enrollments endpoint")
    }

    @Test func theNewestQuestionnaireVersionsAnswerCounts() {
        let old = Self.answer("VR-FERPA-01", ["none"], version: 1)
        let new = Self.answer("VR-FERPA-01", ["enrollments_and_rosters"], version: 2)
        #expect(Contradictions.find(answers: [new, old], hecvat: nil, map: Self.rosterMap, lti: nil, observed: []).isEmpty)
        #expect(Contradictions.find(answers: [new, old].reversed(), hecvat: nil, map: Self.rosterMap, lti: nil, observed: []).isEmpty)
    }
}
