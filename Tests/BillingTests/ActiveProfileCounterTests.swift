import Billing
import Foundation
import Testing

@Suite struct ActiveProfileCounterTests {
    @Test func eventExactlyTwelveMonthsBeforeTheMonthEndCounts() {
        // December 2025 ends at 2026-01-01T00:00Z; twelve months earlier is 2025-01-01T00:00Z.
        var counter = ActiveProfileCounter(timeZone: utc)
        counter.record(profile: 1, at: instant("2025-01-01T00:00:00Z"))
        counter.record(profile: 2, at: instant("2024-12-31T23:59:59Z"))
        #expect(counter.activeProfiles(in: month(2025, 12)) == 1)
        #expect(counter.isActive(1, asOf: instant("2025-12-31T23:59:59Z")))
        #expect(!counter.isActive(2, asOf: instant("2025-12-31T23:59:59Z")))
        // A month later January 2025 has left the window.
        #expect(counter.activeProfiles(in: month(2026, 1)) == 0)
        #expect(counter.activeProfiles(asOf: instant("2026-01-01T00:00:00Z")) == 0)
        // Profile 2 was active through November 2025.
        #expect(counter.activeProfiles(in: month(2025, 11)) == 2)
    }

    @Test func asOfAnInstantCountsEventsUpToAndIncludingIt() {
        var counter = ActiveProfileCounter(timeZone: utc)
        counter.record(profile: 7, at: instant("2025-03-15T12:00:00Z"))
        #expect(counter.activeProfiles(asOf: instant("2025-03-15T11:59:59Z")) == 0)
        #expect(counter.activeProfiles(asOf: instant("2025-03-15T12:00:00Z")) == 1)
        #expect(counter.activeProfiles(in: month(2025, 2)) == 0)
        #expect(counter.activeProfiles(in: month(2025, 3)) == 1)
        #expect(counter.activeProfiles(in: month(2026, 2)) == 1)
        #expect(counter.activeProfiles(in: month(2026, 3)) == 0)
    }

    @Test func monthsAreTheAccountsLocalMonths() {
        // 23:30 UTC on 31 January is 00:30 on 1 February in Berlin.
        let event = instant("2025-01-31T23:30:00Z")
        var inBerlin = ActiveProfileCounter(timeZone: berlin)
        var inUTC = ActiveProfileCounter(timeZone: utc)
        inBerlin.record(profile: 1, at: event)
        inUTC.record(profile: 1, at: event)

        #expect(inBerlin.activeProfiles(in: month(2025, 1)) == 0)
        #expect(inBerlin.activeProfiles(in: month(2025, 2)) == 1)
        #expect(inUTC.activeProfiles(in: month(2025, 1)) == 1)

        // ...and it leaves the window a month later in Berlin than in UTC.
        #expect(inUTC.activeProfiles(in: month(2025, 12)) == 1)
        #expect(inUTC.activeProfiles(in: month(2026, 1)) == 0)
        #expect(inBerlin.activeProfiles(in: month(2026, 1)) == 1)
        #expect(inBerlin.activeProfiles(in: month(2026, 2)) == 0)

        // The Berlin window for January 2026 starts at local midnight, 2025-01-31T23:00Z.
        var edge = ActiveProfileCounter(timeZone: berlin)
        edge.record(profile: 1, at: instant("2025-01-31T23:00:00Z"))
        edge.record(profile: 2, at: instant("2025-01-31T22:59:59Z"))
        #expect(edge.activeProfiles(in: month(2026, 1)) == 1)
        #expect(edge.isActive(1, asOf: instant("2026-01-15T00:00:00Z")))
        #expect(!edge.isActive(2, asOf: instant("2026-01-15T00:00:00Z")))
    }

    @Test func mergedProfilesCountOnce() {
        var counter = ActiveProfileCounter(timeZone: utc)
        counter.record(profile: 1, at: instant("2025-03-01T10:00:00Z"))
        counter.record(profile: 2, at: instant("2025-03-02T10:00:00Z"))
        counter.record(profile: 3, at: instant("2025-03-03T10:00:00Z"))
        #expect(counter.activeProfiles(in: month(2025, 3)) == 3)

        counter.merge(2, into: 1)
        #expect(counter.activeProfiles(in: month(2025, 3)) == 2)
        #expect(counter.survivor(of: 2) == 1)

        // Later events naming the merged profile go to the survivor.
        counter.record(profile: 2, at: instant("2025-04-02T10:00:00Z"))
        #expect(counter.activeProfiles(in: month(2025, 4)) == 2)

        // A survivor merged later carries the earlier merge along; repeating a merge changes nothing.
        counter.merge(1, into: 3)
        counter.merge(2, into: 3)
        counter.merge(3, into: 3)
        #expect(counter.activeProfiles(in: month(2025, 3)) == 1)
        #expect(counter.survivor(of: 2) == 3)
        #expect(counter.profilesWithActivity == 1)
    }

    @Test func mergeMovesHistoryToASurvivorWithoutEvents() {
        var counter = ActiveProfileCounter(timeZone: utc)
        counter.record(profile: 5, at: instant("2025-06-10T08:00:00Z"))
        counter.merge(5, into: 9)
        #expect(counter.isActive(9, asOf: instant("2025-06-10T08:00:00Z")))
        #expect(!counter.isActive(9, asOf: instant("2025-06-10T07:59:59Z")))
        #expect(counter.activeProfiles(in: month(2025, 6)) == 1)
    }

    @Test func lateEventsMoveAMonthsFirstEventEarlier() {
        var counter = ActiveProfileCounter(timeZone: utc)
        counter.record(profile: 1, at: instant("2025-05-20T00:00:00Z"))
        #expect(counter.activeProfiles(asOf: instant("2025-05-10T00:00:00Z")) == 0)
        counter.record(profile: 1, at: instant("2025-05-05T00:00:00Z"))
        counter.record(profile: 1, at: instant("2024-11-05T00:00:00Z"))
        #expect(counter.activeProfiles(asOf: instant("2025-05-10T00:00:00Z")) == 1)
        #expect(counter.activeProfiles(in: month(2024, 11)) == 1)
    }

    @Test func lookBackIsConfigurable() {
        var counter = ActiveProfileCounter(timeZone: utc, lookBackMonths: 3)
        counter.record(profile: 1, at: instant("2025-01-15T00:00:00Z"))
        #expect(counter.activeProfiles(in: month(2025, 3)) == 1)
        #expect(counter.activeProfiles(in: month(2025, 4)) == 0)
    }

    /// Random events and merges, fed in two different orders, against a direct reading of the
    /// definition over the raw events.
    @Test func matchesTheDefinitionAndIgnoresInputOrder() {
        var random = SeededGenerator(state: 42)
        let start = instant("2024-01-01T00:00:00Z").timeIntervalSince1970
        let span = instant("2026-01-01T00:00:00Z").timeIntervalSince1970 - start
        let events: [(profile: UInt64, at: Date)] = (0..<3_000).map { _ in
            (UInt64.random(in: 1...400, using: &random),
             Date(timeIntervalSince1970: (start + Double.random(in: 0..<span, using: &random)).rounded()))
        }
        let merges: [(UInt64, UInt64)] = (0..<60).map { _ in
            (UInt64.random(in: 1...400, using: &random), UInt64.random(in: 1...400, using: &random))
        }

        // In order: events, then merges. Shuffled: merges interleaved with the events.
        var ordered = ActiveProfileCounter(timeZone: berlin)
        for event in events { ordered.record(profile: event.profile, at: event.at) }
        for (merged, survivor) in merges { ordered.merge(merged, into: survivor) }

        var shuffled = ActiveProfileCounter(timeZone: berlin)
        var mergesLeft = merges[...]
        for (offset, event) in events.shuffled(using: &random).enumerated() {
            if offset % 50 == 0, let (merged, survivor) = mergesLeft.popFirst() { shuffled.merge(merged, into: survivor) }
            shuffled.record(profile: event.profile, at: event.at)
        }
        for (merged, survivor) in mergesLeft { shuffled.merge(merged, into: survivor) }

        // In time order, as a live subscription mostly sees them (the counter's month cache path).
        var chronological = ActiveProfileCounter(timeZone: berlin)
        for event in events.sorted(by: { $0.at < $1.at }) { chronological.record(profile: event.profile, at: event.at) }
        for (merged, survivor) in merges { chronological.merge(merged, into: survivor) }

        // The definition, directly: group raw events by final survivor, look for one in the window.
        let calendar = { var c = Calendar(identifier: .gregorian); c.timeZone = berlin; return c }()
        func expected(windowStart: Date, cutoff: Date) -> Int {
            Set(events.filter { $0.at >= windowStart && $0.at <= cutoff }.map { ordered.survivor(of: $0.profile) }).count
        }
        for index in month(2024, 1).index...month(2026, 1).index {
            let billed = CalendarMonth(index: index)
            let windowStart = billed.advanced(by: -11).start(in: berlin)
            let monthEnd = billed.end(in: berlin).addingTimeInterval(-1)  // events are on whole seconds
            #expect(ordered.activeProfiles(in: billed) == expected(windowStart: windowStart, cutoff: monthEnd))
            #expect(shuffled.activeProfiles(in: billed) == ordered.activeProfiles(in: billed))
            #expect(chronological.activeProfiles(in: billed) == ordered.activeProfiles(in: billed))

            let midMonth = calendar.date(byAdding: .second, value: 1_234_567, to: billed.start(in: berlin))!
            #expect(ordered.activeProfiles(asOf: midMonth) == expected(windowStart: windowStart, cutoff: midMonth))
            #expect(shuffled.activeProfiles(asOf: midMonth) == ordered.activeProfiles(asOf: midMonth))
            #expect(chronological.activeProfiles(asOf: midMonth) == ordered.activeProfiles(asOf: midMonth))
        }
    }
}
