public import Foundation

/// A calendar month (Gregorian), the unit billing counts and invoices in.
///
/// A month by itself is not a span of time: where it starts and ends depends on the account's time
/// zone (PRODUCT.md §8: days and months are local). `start(in:)`, `end(in:)` and
/// `containing(_:in:)` make that explicit at every use.
public struct CalendarMonth: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let year: Int
    /// 1 (January) to 12 (December).
    public let month: Int

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "month must be 1...12, got \(month)")
        self.year = year
        self.month = month
    }

    /// Months counted from year 0: consecutive months have consecutive indexes, so month
    /// arithmetic and the look-back window are integer ranges.
    public var index: Int { self.year * 12 + (self.month - 1) }

    public init(index: Int) {
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        self.init(year: year, month: index - year * 12 + 1)
    }

    public func advanced(by months: Int) -> CalendarMonth {
        CalendarMonth(index: self.index + months)
    }

    /// The month an instant falls in, in the given time zone.
    public static func containing(_ instant: Date, in timeZone: TimeZone) -> CalendarMonth {
        Self.containing(instant, calendar: .gregorian(in: timeZone))
    }

    static func containing(_ instant: Date, calendar: Calendar) -> CalendarMonth {
        let parts = calendar.dateComponents([.year, .month], from: instant)
        return CalendarMonth(year: parts.year!, month: parts.month!)
    }

    /// The first instant of the month (local midnight on the 1st).
    public func start(in timeZone: TimeZone) -> Date {
        self.start(calendar: .gregorian(in: timeZone))
    }

    func start(calendar: Calendar) -> Date {
        calendar.date(from: DateComponents(year: self.year, month: self.month, day: 1))!
    }

    /// The first instant of the next month: the month is `start(in:) ..< end(in:)`.
    public func end(in timeZone: TimeZone) -> Date {
        self.advanced(by: 1).start(in: timeZone)
    }

    /// 28 to 31.
    public var numberOfDays: Int {
        switch self.month {
        case 2:
            let leap = (self.year % 4 == 0 && self.year % 100 != 0) || self.year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `"2025-03"`.
    public var description: String {
        "\(self.year)-" + (self.month < 10 ? "0" : "") + "\(self.month)"
    }

    public static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool { lhs.index < rhs.index }

    private enum CodingKeys: String, CodingKey { case year, month }

    /// Decoding checks the month like `init(year:month:)` does, but throws instead of trapping:
    /// stored or received data is not trusted to be valid.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let month = try container.decode(Int.self, forKey: .month)
        guard (1...12).contains(month) else {
            throw DecodingError.dataCorruptedError(forKey: .month, in: container, debugDescription: "month must be 1...12")
        }
        self.init(year: try container.decode(Int.self, forKey: .year), month: month)
    }
}

extension Calendar {
    /// A Gregorian calendar in the given time zone: the one calendar billing uses.
    static func gregorian(in timeZone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
