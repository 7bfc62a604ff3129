import Domain
import Foundation
import Testing

/// `Format` writes dates by arithmetic; Foundation's formatters are the reference it must match exactly.
@Suite("Dates as pages and files show them")
struct FormatTests {
    static func reference(_ pattern: String) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter
    }

    static func isoReference() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    /// Leap days, century years, ends of months and days, sub-millisecond instants and both ends of the range.
    static let edges: [Date] = {
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 0.0015),
                             Date(timeIntervalSince1970: 951_782_400), Date(timeIntervalSince1970: 951_868_799.9999),
                             Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: 1_795_000_000.123456),
                             Date(timeIntervalSince1970: -12_212_553_600), Date(timeIntervalSince1970: 253_402_300_799.999),
                             Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 0.0625), Date(timeIntervalSince1970: -0.0625),
                             Date(timeIntervalSince1970: 1_000_000_000.0625)]
        for year in [1600, 1700, 1900, 1969, 2000, 2024, 2100, 2400, 9999] {
            for (month, day) in [(1, 1), (2, 28), (2, 29), (3, 1), (12, 31)] {
                var parts = DateComponents(year: year, month: month, day: day, hour: 23, minute: 59, second: 59)
                parts.timeZone = TimeZone(identifier: "UTC")
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = TimeZone(identifier: "UTC")!
                if let date = calendar.date(from: parts) { dates.append(date); dates.append(date.addingTimeInterval(1)) }
            }
        }
        return dates
    }()

    @Test func matchesFoundationAtTheEdges() {
        let dateTime = Self.reference("yyyy-MM-dd HH:mm 'UTC'"), day = Self.reference("yyyy-MM-dd"), iso = Self.isoReference()
        for date in Self.edges {
            #expect(Format.dateTime(date) == dateTime.string(from: date), "\(date.timeIntervalSince1970)")
            #expect(Format.date(date) == day.string(from: date), "\(date.timeIntervalSince1970)")
            #expect(Format.iso(date) == iso.string(from: date), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func matchesFoundationOnRandomInstants() {
        let dateTime = Self.reference("yyyy-MM-dd HH:mm 'UTC'"), day = Self.reference("yyyy-MM-dd"), iso = Self.isoReference()
        var generator = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for _ in 0..<20_000 {
            // From 1583 to 9999, with fractions of a millisecond.
            let date = Date(timeIntervalSince1970: Double.random(in: -12_212_553_600...253_402_300_799, using: &generator))
            if Format.dateTime(date) != dateTime.string(from: date) || Format.date(date) != day.string(from: date)
                || Format.iso(date) != iso.string(from: date) {
                mismatches.append("\(date.timeIntervalSince1970): \(Format.iso(date)) vs \(iso.string(from: date))")
            }
        }
        #expect(mismatches.count == 0, "\(mismatches.count) mismatches, for example \(mismatches.prefix(3))")
    }

    @Test func outsideTheFastRangeFoundationStillAnswers() {
        let early = Date(timeIntervalSince1970: -20_000_000_000)  // 1336, the Julian calendar
        #expect(Format.date(early) == Self.reference("yyyy-MM-dd").string(from: early))
        #expect(Format.dateTime(nil) == "—")
        #expect(Format.date(nil) == "—")
        #expect(Format.dateTime(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18 11:06 UTC")
    }
}
