import Foundation
import Testing
@testable import Domain

@Suite("Reminders")
struct ReminderTests {
    let subject = ReminderSubject(kind: .contractEnds, subjectID: "c1", title: "MSA", day: "2027-03-01", recipients: ["ana@x.edu"], link: nil)

    @Test func eachThresholdIsCrossedOnceAndLateStartsSendOne() {
        #expect(Reminders.due([subject], today: "2026-11-01", thresholds: [90, 30, 7], alreadySent: []).isEmpty, "120 days ahead: nothing yet")
        let first = Reminders.due([subject], today: "2026-12-01", thresholds: [90, 30, 7], alreadySent: [])
        #expect(first.map(\.threshold) == [90] && first[0].daysLeft == 90)
        let sent = Set(first[0].keys)
        #expect(Reminders.due([subject], today: "2026-12-02", thresholds: [90, 30, 7], alreadySent: sent).isEmpty, "the 90-day reminder goes out once")
        let thirty = Reminders.due([subject], today: "2027-01-30", thresholds: [90, 30, 7], alreadySent: sent)
        #expect(thirty.map(\.threshold) == [30])
        let late = Reminders.due([subject], today: "2027-02-25", thresholds: [90, 30, 7], alreadySent: [])
        #expect(late.count == 1 && late[0].threshold == 7 && late[0].keys.count == 3, "first seen 4 days ahead: one message covers all three")
        #expect(Reminders.due([subject], today: "2027-03-02", thresholds: [90, 30, 7], alreadySent: []).isEmpty, "past dates are not reminded")
    }

    @Test func upcomingListsWithinTheHorizonSoonestFirst() {
        let later = ReminderSubject(kind: .keyRereview, subjectID: "k", title: "Key", day: "2027-01-10", recipients: [], link: nil)
        let list = Reminders.upcoming([subject, later], today: "2026-12-15", thresholds: [90, 30, 7])
        #expect(list.map(\.1) == [26, 76])
        #expect(Reminders.days(from: "2028-02-28", to: "2028-03-01") == 2)
    }
}
