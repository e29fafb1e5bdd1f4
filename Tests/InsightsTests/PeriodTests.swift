import Foundation
import Insights
import SextantContracts
import Testing

@Suite struct LocalDayTests {
    @Test func dayNumbersAndCalendarDates() {
        #expect(day(1970, 1, 1).number == 0)
        #expect(day(2000, 1, 1).number == 10_957)
        #expect(day(2024, 2, 29).civil == (2024, 2, 29))
        #expect(day(2024, 2, 28).adding(days: 1) == day(2024, 2, 29))
        #expect(day(2023, 2, 28).adding(days: 1) == day(2023, 3, 1))
        #expect(day(1969, 12, 31).number == -1)
        #expect(day(2026, 11, 28).isoWeekday == 6)  // a Saturday
        #expect(day(2026, 1, 5).isoWeekday == 1)  // a Monday
        #expect(day(2026, 2, 14).description == "2026-02-14")
    }

    @Test func newYorkSpringForwardDay() {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT; the local day has 23 hours.
        let zone = TimeZone(identifier: "America/New_York")!
        #expect(LocalDay(instant: instant("2026-03-08T04:59:59Z"), timeZone: zone) == day(2026, 3, 7))
        #expect(LocalDay(instant: instant("2026-03-08T05:00:00Z"), timeZone: zone) == day(2026, 3, 8))
        #expect(LocalDay(instant: instant("2026-03-09T03:59:59Z"), timeZone: zone) == day(2026, 3, 8))
        #expect(LocalDay(instant: instant("2026-03-09T04:00:00Z"), timeZone: zone) == day(2026, 3, 9))
    }

    @Test func newYorkFallBackDay() {
        // 2026-11-01: 02:00 EDT becomes 01:00 EST; the local day has 25 hours.
        let zone = TimeZone(identifier: "America/New_York")!
        #expect(LocalDay(instant: instant("2026-11-01T03:59:59Z"), timeZone: zone) == day(2026, 10, 31))
        #expect(LocalDay(instant: instant("2026-11-01T04:00:00Z"), timeZone: zone) == day(2026, 11, 1))
        #expect(LocalDay(instant: instant("2026-11-02T04:59:59Z"), timeZone: zone) == day(2026, 11, 1))
        #expect(LocalDay(instant: instant("2026-11-02T05:00:00Z"), timeZone: zone) == day(2026, 11, 2))
    }

    @Test func berlinMidnights() {
        let zone = TimeZone(identifier: "Europe/Berlin")!
        // Winter (CET, UTC+1) and summer (CEST, UTC+2).
        #expect(LocalDay(instant: instant("2026-01-10T22:59:59Z"), timeZone: zone) == day(2026, 1, 10))
        #expect(LocalDay(instant: instant("2026-01-10T23:00:00Z"), timeZone: zone) == day(2026, 1, 11))
        #expect(LocalDay(instant: instant("2026-06-15T21:59:59Z"), timeZone: zone) == day(2026, 6, 15))
        #expect(LocalDay(instant: instant("2026-06-15T22:00:00Z"), timeZone: zone) == day(2026, 6, 16))
        // "Today" is the Berlin date, not the UTC one.
        #expect(Periods.today(now: instant("2026-01-31T23:30:00Z"), timeZone: zone) == day(2026, 2, 1))
    }
}

@Suite struct PeriodRuleTests {
    @Test func presetsIncludeTodayAndBothEnds() {
        let today = day(2026, 2, 7)
        #expect(Periods.resolve(.today, today: today) == range(today, today))
        #expect(Periods.resolve(.last7Days, today: today) == range(day(2026, 2, 1), today))
        #expect(Periods.resolve(.last7Days, today: today).length == 7)
        #expect(Periods.resolve(.last30Days, today: today) == range(day(2026, 1, 9), today))
        #expect(Periods.resolve(.last90Days, today: today) == range(day(2025, 11, 10), today))
        #expect(Periods.resolve(.thisMonth, today: today) == range(day(2026, 2, 1), today))
        #expect(Periods.resolve(.lastMonth, today: today) == range(day(2026, 1, 1), day(2026, 1, 31)))
    }

    @Test func last365DaysOverALeapYear() {
        // 2024 has 366 days: today and the 364 before start on Jan 2.
        #expect(Periods.resolve(.last365Days, today: day(2024, 12, 31)) == range(day(2024, 1, 2), day(2024, 12, 31)))
    }

    @Test func lastMonthInJanuaryIsDecember() {
        #expect(Periods.resolve(.lastMonth, today: day(2026, 1, 15)) == range(day(2025, 12, 1), day(2025, 12, 31)))
        #expect(Periods.resolve(.lastMonth, today: day(2024, 3, 1)) == range(day(2024, 2, 1), day(2024, 2, 29)))
        #expect(Periods.resolve(.thisMonth, today: day(2026, 3, 1)) == range(day(2026, 3, 1), day(2026, 3, 1)))
    }

    @Test func previousPeriodHasEqualLength() {
        let last7 = range(day(2026, 2, 1), day(2026, 2, 7))
        #expect(Periods.comparison(of: last7, mode: .previousPeriod) == range(day(2026, 1, 25), day(2026, 1, 31)))
        // Month to date, Nov 1–28 → the 28 days before: Oct 4–31.
        #expect(Periods.comparison(of: range(day(2026, 11, 1), day(2026, 11, 28)), mode: .previousPeriod)
            == range(day(2026, 10, 4), day(2026, 10, 31)))
        #expect(Periods.comparison(of: last7, mode: .none) == nil)
    }

    @Test func yearAgoHandlesFebruary29() {
        #expect(Periods.yearEarlier(day(2024, 2, 29)) == day(2023, 2, 28))
        #expect(Periods.yearEarlier(day(2025, 3, 1)) == day(2024, 3, 1))
        #expect(Periods.comparison(of: range(day(2024, 2, 1), day(2024, 2, 29)), mode: .yearAgo)
            == range(day(2023, 2, 1), day(2023, 2, 28)))
        // The year-ago span holds the leap day: one day longer.
        let ago = Periods.comparison(of: range(day(2025, 2, 20), day(2025, 3, 5)), mode: .yearAgo)!
        #expect(ago == range(day(2024, 2, 20), day(2024, 3, 5)))
        #expect(ago.length == 15)
    }

    @Test func customRangesAreChecked() throws {
        let today = day(2026, 11, 28)
        #expect(try Periods.custom(first: date(2026, 11, 1), last: date(2026, 11, 28), today: today) == range(day(2026, 11, 1), today))
        #expect(throws: Periods.Failure.self) { try Periods.custom(first: date(2026, 11, 5), last: date(2026, 11, 4), today: today) }
        #expect(throws: Periods.Failure.self) { try Periods.custom(first: date(2026, 11, 5), last: date(2026, 11, 29), today: today) }
        #expect(throws: Periods.Failure.self) { try Periods.custom(first: date(2026, 2, 30), last: date(2026, 3, 1), today: today) }
        #expect(throws: Periods.Failure.self) { try Periods.custom(first: date(1999, 12, 31), last: date(2000, 1, 1), today: today) }
    }

    @Test func bucketSizes() {
        #expect(Periods.bucketSize(for: range(day(2026, 1, 1), day(2026, 4, 2))) == .day)  // 92 days
        #expect(Periods.bucketSize(for: range(day(2026, 1, 1), day(2026, 4, 3))) == .week)
        #expect(Periods.bucketSize(for: range(day(2026, 1, 1), day(2026, 12, 31))) == .week)
        #expect(Periods.bucketSize(for: range(day(2025, 1, 1), day(2026, 1, 7))) == .month)  // 372 days
    }

    @Test func weekBucketsAreMondayToSundayClipped() {
        let year = range(day(2026, 1, 1), day(2026, 12, 31))
        let weeks = Periods.buckets(of: year, size: .week)
        #expect(weeks.first == range(day(2026, 1, 1), day(2026, 1, 4)))  // Thursday–Sunday
        #expect(weeks[1] == range(day(2026, 1, 5), day(2026, 1, 11)))
        #expect(weeks.last == range(day(2026, 12, 28), day(2026, 12, 31)))
        #expect(weeks.reduce(0) { $0 + $1.length } == 365)
    }

    @Test func monthBucketsAreCalendarMonthsClipped() {
        let months = Periods.buckets(of: range(day(2024, 1, 15), day(2025, 6, 10)), size: .month)
        #expect(months.count == 18)
        #expect(months.first == range(day(2024, 1, 15), day(2024, 1, 31)))
        #expect(months[1] == range(day(2024, 2, 1), day(2024, 2, 29)))
        #expect(months.last == range(day(2025, 6, 1), day(2025, 6, 10)))
        #expect(Periods.buckets(of: range(day(2026, 1, 1), day(2026, 1, 3)), size: .day).count == 3)
    }

    @Test func percentChange() {
        #expect(Periods.percentChange(current: Int64(150), previous: Int64(100)) == Decimal(string: "50"))
        #expect(Periods.percentChange(current: Int64(1), previous: Int64(3)) == Decimal(string: "-66.7"))
        #expect(Periods.percentChange(current: Int64(2), previous: Int64(3)) == Decimal(string: "-33.3"))
        #expect(Periods.percentChange(current: Int64(0), previous: Int64(4)) == Decimal(string: "-100"))
        #expect(Periods.percentChange(current: Int64(1), previous: Int64(8)) == Decimal(string: "-87.5"))
        #expect(Periods.percentChange(current: Int64(5), previous: Int64(0)) == nil)
        #expect(Periods.percentChange(current: Int64(0), previous: Int64(0)) == nil)
    }
}
