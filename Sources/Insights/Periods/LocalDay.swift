public import Foundation
public import SextantContracts

/// A calendar day as a day number: days since 1970-01-01 (proleptic Gregorian). Days are the
/// unit of every aggregate and period; arithmetic on them is plain integer arithmetic.
public struct LocalDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int

    public init(number: Int) { self.number = number }

    /// The day of a calendar date. - Precondition: a valid date.
    public init(year: Int, month: Int, day: Int) {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.number = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` (four-digit year); nil for any other text or an impossible date.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), LocalDay.isValid(year: y, month: m, day: d)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public init(_ date: LocalDate) {
        self.init(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }

    /// The local day of `instant` in `timeZone`: the instant shifted by the zone's offset at that
    /// instant, then floored to whole days.
    public init(instant: Date, timeZone: TimeZone) {
        let seconds = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        self.number = Int((seconds / 86_400).rounded(.down))
    }

    /// (year, month 1...12, day 1...31). Hinnant's civil_from_days.
    public var civil: (year: Int, month: Int, day: Int) {
        let z = self.number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public var date: LocalDate {
        let c = self.civil
        return LocalDate(year: Int32(c.year), month: UInt8(c.month), day: UInt8(c.day))
    }

    /// 1 Monday … 7 Sunday (ISO 8601). 1970-01-01 was a Thursday.
    public var isoWeekday: Int {
        let r = (self.number + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    public func adding(days: Int) -> LocalDay { LocalDay(number: self.number + days) }

    /// The first day of this day's month.
    public var firstOfMonth: LocalDay {
        let c = self.civil
        return LocalDay(year: c.year, month: c.month, day: 1)
    }

    /// The last day of this day's month.
    public var lastOfMonth: LocalDay {
        let c = self.civil
        return LocalDay(year: c.year, month: c.month, day: LocalDay.daysIn(year: c.year, month: c.month))
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether (year, month, day) names a real date.
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysIn(year: year, month: month)
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool { lhs.number < rhs.number }

    public var description: String { self.date.description }
}

/// Local days `first` through `last`, both inclusive (`first <= last`).
public struct DayRange: Hashable, Sendable, CustomStringConvertible {
    public var first: LocalDay
    public var last: LocalDay

    public init(first: LocalDay, last: LocalDay) {
        precondition(first <= last, "a day range's first day is not after its last")
        self.first = first
        self.last = last
    }

    /// Days in the range (both ends counted).
    public var length: Int { self.last.number - self.first.number + 1 }

    public func contains(_ day: LocalDay) -> Bool { day >= self.first && day <= self.last }

    public var dates: DateRange { DateRange(first: self.first.date, last: self.last.date) }

    public var description: String { "\(self.first)…\(self.last)" }
}
