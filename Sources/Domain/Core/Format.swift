import Foundation

/// Dates as people read them on pages, in mail and in reports (always UTC), and as ISO 8601 in files.
///
/// The fixed UTC formats are written by calendar arithmetic rather than by `DateFormatter`: on Linux every
/// `DateFormatter` builds an ICU formatter, which cost about 0.3 ms a date and was a third of the vendor
/// list's CPU. The output is the formatter's, character for character (`FormatTests` compares them); dates
/// outside 1583…9999 (the Julian calendar, or years of more than four digits) still go to Foundation.
public enum Format {
    public static func dateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        guard let t = UTCTime(date) else { return foundation(date, "yyyy-MM-dd HH:mm 'UTC'") }
        var out = t.day
        out += [UTCTime.space] + UTCTime.digits(t.hour, 2) + [UTCTime.colon] + UTCTime.digits(t.minute, 2) + Array(" UTC".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    public static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        guard let t = UTCTime(date) else { return foundation(date, "yyyy-MM-dd") }
        return String(decoding: t.day, as: UTF8.self)
    }

    /// `2026-12-05T05:15:07.123Z`, as `ISO8601DateFormatter` with fractional seconds writes it (milliseconds, rounded half up).
    public static func iso(_ date: Date) -> String {
        guard let t = UTCTime(date) else {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.string(from: date)
        }
        var out = t.day
        out += [UInt8(ascii: "T")] + UTCTime.digits(t.hour, 2) + [UTCTime.colon] + UTCTime.digits(t.minute, 2) + [UTCTime.colon]
            + UTCTime.digits(t.second, 2) + [UInt8(ascii: ".")] + UTCTime.digits(t.millisecond, 3) + [UInt8(ascii: "Z")]
        return String(decoding: out, as: UTF8.self)
    }

    private static func foundation(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }
}

/// A date's UTC calendar fields in the proleptic Gregorian calendar, for years 1583…9999.
struct UTCTime {
    let year: Int, month: Int, dayOfMonth: Int, hour: Int, minute: Int, second: Int, millisecond: Int

    static let space = UInt8(ascii: " "), colon = UInt8(ascii: ":")

    init?(_ date: Date) {
        // Milliseconds since 1970 as Foundation hands them to ICU, rounded half up to a whole millisecond as
        // ICU does (so 23:59:59.9996 is shown as the next day, and 62.5 ms as .063).
        let milliseconds = ((date.timeIntervalSinceReferenceDate + Date.timeIntervalBetween1970AndReferenceDate) * 1000 + 0.5).rounded(.down)
        // 1583-01-01 and 10000-01-01 in milliseconds since 1970.
        guard milliseconds.isFinite, milliseconds >= -12_212_553_600_000, milliseconds < 253_402_300_800_000 else { return nil }
        let total = Int64(milliseconds)
        let msPerDay: Int64 = 86_400_000
        let days = total >= 0 ? total / msPerDay : (total - msPerDay + 1) / msPerDay
        let inDay = Int(total - days * msPerDay)
        // Days to a civil date (Howard Hinnant's algorithm, eras of 400 years from 0000-03-01).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        self.month = Int(month)
        dayOfMonth = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        hour = inDay / 3_600_000
        minute = inDay / 60_000 % 60
        second = inDay / 1_000 % 60
        millisecond = inDay % 1_000
    }

    /// `yyyy-MM-dd` as ASCII bytes.
    var day: [UInt8] {
        Self.digits(year, 4) + [UInt8(ascii: "-")] + Self.digits(month, 2) + [UInt8(ascii: "-")] + Self.digits(dayOfMonth, 2)
    }

    static func digits(_ value: Int, _ width: Int) -> [UInt8] {
        var out = [UInt8](repeating: UInt8(ascii: "0"), count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            out[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        return out
    }
}
