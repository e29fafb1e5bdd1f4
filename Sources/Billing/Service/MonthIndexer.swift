import Foundation

/// The local calendar month (`CalendarMonth.index`) of an instant, in one time zone, fast.
///
/// Applying the log asks this for every event, and `Calendar` is slow (microseconds a call), so
/// months are found by arithmetic: the instant's UTC month is a guess off by at most one (a time
/// zone's offset is less than a day), checked against the cached local starts of the months
/// around it. Only a month start not seen before goes through `Calendar`. Not thread-safe: the
/// store uses its indexers on the writer's queue only.
final class MonthIndexer {
    let timeZone: TimeZone
    private let calendar: Calendar
    /// Month index → its first instant (local midnight on the 1st), seconds since 2001-01-01.
    private var starts: [Int: Double] = [:]
    /// The month of the last lookup: events come mostly in time order.
    private var last: (index: Int, start: Double, end: Double) = (0, 1, 0)

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        self.calendar = .gregorian(in: timeZone)
    }

    /// `instant` in seconds since 2001-01-01T00:00:00Z (`Date.timeIntervalSinceReferenceDate`).
    func monthIndex(of instant: Double) -> Int {
        if instant >= self.last.start && instant < self.last.end { return self.last.index }
        guard instant.isFinite else { return CalendarMonth.containing(Date(timeIntervalSinceReferenceDate: instant), calendar: self.calendar).index }
        var month = Self.utcMonthIndex(of: instant)
        while instant < self.start(of: month) { month -= 1 }
        while instant >= self.start(of: month + 1) { month += 1 }
        self.last = (month, self.start(of: month), self.start(of: month + 1))
        return month
    }

    /// Local midnight starting month `index`, seconds since 2001-01-01.
    func start(of index: Int) -> Double {
        if let start = self.starts[index] { return start }
        let start = CalendarMonth(index: index).start(calendar: self.calendar).timeIntervalSinceReferenceDate
        self.starts[index] = start
        return start
    }

    /// The UTC month of an instant (Howard Hinnant's days-to-civil algorithm).
    static func utcMonthIndex(of instant: Double) -> Int {
        let unixSeconds = instant + 978_307_200
        // Clamp absurd values so the integer conversion cannot trap (such dates fail elsewhere).
        let days = Int((min(max(unixSeconds, -1e15), 1e15) / 86_400).rounded(.down))
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return year * 12 + month - 1
    }
}
