import Domain
import Foundation
import Testing

@Suite("NDPA Exhibit B from the data map")
struct ExhibitBTests {
    static let map = DataMap(whitelist: [
        DataMapTests.entry(.GET, "/api/v1/courses/:course_id/enrollments", [.roster]),
        DataMapTests.entry(.POST, "/api/lti/courses/:course_id/line_items/:line_item_id/scores", [.grades]),
        DataMapTests.entry(.GET, "/api/v1/courses/:course_id/modules", [.courseContent]),
    ], lti: nil)

    @Test func theScheduleIsFilledInFromTheDataMapWithItsCauses() throws {
        let schedule = ExhibitBSchedule(map: Self.map, declared: nil)
        let received = schedule.rows.filter(\.received).map(\.element.id)
        #expect(received == ["enrollment_school", "schedule_courses", "schedule_teachers", "student_name", "transcript_grades"])
        #expect(schedule.rows.first { $0.element.id == "student_name" }?.because == ["Names: GET /api/v1/courses/:course_id/enrollments"])
        #expect(schedule.differences.isEmpty, "nothing to compare without a recorded agreement")
        #expect(schedule.rows.allSatisfy { $0.declared == nil })
        #expect(schedule.rows.count == ExhibitB.elements.count)
    }

    @Test func differencesAgainstTheSignedScheduleAreMarkedBothWays() {
        let schedule = ExhibitBSchedule(map: Self.map, declared: ["student_name", "transcript_grades", "student_contact_email"])
        let differences = Dictionary(uniqueKeysWithValues: schedule.differences.map { ($0.element.id, $0.difference!) })
        #expect(differences == ["enrollment_school": .notDeclared, "schedule_courses": .notDeclared, "schedule_teachers": .notDeclared,
                                "student_contact_email": .notReceived])
        #expect(ExhibitBSchedule(map: DataMap(whitelist: [], lti: nil), declared: []).differences.isEmpty)
    }

    @Test func everyPersonalDataElementHasAPlaceInTheSchedule() {
        for element in DataElement.allCases where element.isPersonal {
            #expect(!ExhibitB.of(element).isEmpty, "\(element)")
            for id in ExhibitB.of(element) { #expect(ExhibitB.element(id) != nil, "\(id)") }
        }
        #expect(Set(ExhibitB.elements.map(\.id)).count == ExhibitB.elements.count, "ids are unique")
        #expect(ExhibitB.categories.first == "Application Technology Meta Data" && ExhibitB.categories.last == "Other")
    }

    @Test func aContractRecordsOnlyKnownElements() throws {
        #expect(try ExhibitB.validate([" student_name ", "", "transcript_grades"]) == ["student_name", "transcript_grades"])
        #expect(throws: DomainError.self) { try ExhibitB.validate(["student_name", "shoe_size"]) }
        let fields = try ContractFields.validate(title: "NDPA", kind: "data_privacy_agreement", status: "signed", signedOn: "2026-05-01", startsOn: nil,
                                                 endsOn: nil, noticeDays: nil, breachNotificationHours: nil, clauses: [:], exhibitB: ["student_name"])
        #expect(fields.exhibitB == ["student_name"])
        #expect(fields.auditValues.last! == ("NDPA Exhibit B", "student_name"))
        let unrecorded = try ContractFields.validate(title: "MSA", kind: "master_agreement", status: "draft", signedOn: nil, startsOn: nil, endsOn: nil,
                                                     noticeDays: nil, breachNotificationHours: nil, clauses: [:])
        #expect(unrecorded.exhibitB == nil)
    }

    @Test func theCSVIsOneLinePerElementAndSafeInASpreadsheet() {
        let map = DataMap(whitelist: [DataMapTests.entry(.GET, "/api/v1/users/:id/=HYPERLINK(\"x\")", [.userPII])], lti: nil)
        let csv = ExhibitBSchedule(map: map, declared: ["student_name"]).csv
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "category,element,id,received,because,declared_in_agreement,difference")
        #expect(lines.count == ExhibitB.elements.count + 1)
        #expect(lines.contains("Student Name,First and/or last,student_name,yes,\"Names: GET /api/v1/users/:id/=HYPERLINK(\"\"x\"\")\",yes,"))
        #expect(lines.contains { $0.hasPrefix("Student Contact Information,Email,student_contact_email,yes,") && $0.hasSuffix(",no,not_declared") })
    }
}
