public import Foundation
public import SextantContracts

/// The dashboard's period rules (PRODUCT.md 5.1 and 8 "Common"); pure, no I/O.
public enum Periods {
    /// The longest custom range: 3,660 days (about ten years).
    public static let maximumLength = 3_660
    /// The earliest day a custom range may start: 2000-01-01 (ingest accepts no earlier event).
    public static let earliestDay = LocalDay(year: 2000, month: 1, day: 1)

    public enum Failure: Error, Hashable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self { case .invalid(let message): message }
        }
    }

    /// Today: the local day of `now` in `timeZone`.
    public static func today(now: Date, timeZone: TimeZone) -> LocalDay {
        LocalDay(instant: now, timeZone: timeZone)
    }

    /// A preset resolved against `today`. Both ends inclusive.
    public static func resolve(_ preset: PeriodPreset, today: LocalDay) -> DayRange {
        switch preset {
        case .today: return DayRange(first: today, last: today)
        case .last7Days: return DayRange(first: today.adding(days: -6), last: today)
        case .last30Days: return DayRange(first: today.adding(days: -29), last: today)
        case .last90Days: return DayRange(first: today.adding(days: -89), last: today)
        case .last365Days: return DayRange(first: today.adding(days: -364), last: today)
        case .thisMonth: return DayRange(first: today.firstOfMonth, last: today)
        case .lastMonth:
            let lastOfPrevious = today.firstOfMonth.adding(days: -1)
            return DayRange(first: lastOfPrevious.firstOfMonth, last: lastOfPrevious)
        }
    }

    /// A custom range, checked: real dates, first ≤ last, not before 2000-01-01, not after
    /// `today` (the report is computed as of the end of today), at most ``maximumLength`` days.
    public static func custom(first: LocalDate, last: LocalDate, today: LocalDay) throws -> DayRange {
        for (name, date) in [("firstDay", first), ("lastDay", last)] {
            guard LocalDay.isValid(year: Int(date.year), month: Int(date.month), day: Int(date.day)) else {
                throw Failure.invalid("\(name): \(date.year)-\(date.month)-\(date.day) is not a calendar date")
            }
        }
        let a = LocalDay(first)
        let b = LocalDay(last)
        guard a <= b else { throw Failure.invalid("firstDay \(a) is after lastDay \(b)") }
        guard a >= earliestDay else { throw Failure.invalid("firstDay \(a) is before \(earliestDay)") }
        guard b <= today else { throw Failure.invalid("lastDay \(b) is after today (\(today)) in the account's time zone") }
        let range = DayRange(first: a, last: b)
        guard range.length <= maximumLength else {
            throw Failure.invalid("the range has \(range.length) days; at most \(maximumLength)")
        }
        return range
    }

    /// The comparison period of `period`:
    /// - `previousPeriod`: the `period.length` days that end the day before `period.first`;
    /// - `yearAgo`: each end moved to the same month and day one year earlier, Feb 29 → Feb 28.
    ///   The year-ago period holds the same calendar dates, so its length differs by one day
    ///   when exactly one of the two spans a Feb 29 (2024-02-01…02-29 → 2023-02-01…02-28);
    /// - `none`: nil.
    public static func comparison(of period: DayRange, mode: ComparisonMode) -> DayRange? {
        switch mode {
        case .none:
            return nil
        case .previousPeriod:
            let n = period.length
            return DayRange(first: period.first.adding(days: -n), last: period.first.adding(days: -1))
        case .yearAgo:
            return DayRange(first: yearEarlier(period.first), last: yearEarlier(period.last))
        }
    }

    /// The same month and day one year earlier; Feb 29 becomes Feb 28.
    public static func yearEarlier(_ day: LocalDay) -> LocalDay {
        let c = day.civil
        let d = min(c.day, LocalDay.daysIn(year: c.year - 1, month: c.month))
        return LocalDay(year: c.year - 1, month: c.month, day: d)
    }

    /// Up to 92 days: by day (every preset up to "last 90 days" and any month); up to 371 days
    /// (53 weeks, so "last 365 days"): by week; longer: by month.
    public static func bucketSize(for period: DayRange) -> SeriesBucket {
        if period.length <= 92 { return .day }
        if period.length <= 371 { return .week }
        return .month
    }

    /// The buckets covering `period` in order: days; ISO weeks (Monday–Sunday); or calendar
    /// months. The first and the last bucket are clipped to the period.
    public static func buckets(of period: DayRange, size: SeriesBucket) -> [DayRange] {
        var result: [DayRange] = []
        var start = period.first
        while start <= period.last {
            let end: LocalDay
            switch size {
            case .day: end = start
            case .week: end = start.adding(days: 7 - start.isoWeekday)
            case .month: end = start.lastOfMonth
            }
            let clipped = min(end, period.last)
            result.append(DayRange(first: start, last: clipped))
            start = clipped.adding(days: 1)
        }
        return result
    }

    /// (current − previous) / previous × 100, rounded half away from zero to one decimal place;
    /// nil when `previous` is 0.
    public static func percentChange(current: Decimal, previous: Decimal) -> Decimal? {
        guard previous != 0 else { return nil }
        var exact = (current - previous) / previous * 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 1, .plain)
        return rounded
    }

    public static func percentChange(current: Int64, previous: Int64) -> Decimal? {
        percentChange(current: Decimal(current), previous: Decimal(previous))
    }
}
