/// A calendar day `YYYY-MM-DD` (proleptic Gregorian), independent of any time zone.
public struct AttributionDay: Sendable, Hashable, Comparable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` naming a real date (years 1...9999); nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1, (1...12).contains(month), day >= 1, day <= AttributionDay.days(inMonth: month, year: year)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var text: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(self.year, 4))-\(pad(self.month, 2))-\(pad(self.day, 2))"
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The next calendar day.
    /// Seconds since 1970 of this day's midnight in UTC (proleptic Gregorian).
    public var utcMidnight: Double {
        // Days from civil (Howard Hinnant's algorithm, public domain).
        let y = self.month <= 2 ? self.year - 1 : self.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (self.month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + self.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Double(era * 146_097 + dayOfEra - 719_468) * 86_400
    }

    public var next: AttributionDay {
        if self.day < AttributionDay.days(inMonth: self.month, year: self.year) {
            return AttributionDay(year: self.year, month: self.month, day: self.day + 1)
        }
        return self.month < 12 ? AttributionDay(year: self.year, month: self.month + 1, day: 1) : AttributionDay(year: self.year + 1, month: 1, day: 1)
    }

    public static func < (a: AttributionDay, b: AttributionDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
