import Foundation

/// One profile's billing history: the local calendar months in which it had at least one event,
/// each with the earliest event instant in that month.
///
/// Why months and not days or events: billing windows are whole calendar months (the look-back
/// window of a month is that month and the eleven before it), so "did it have an event in months
/// a...b" is all a month-end count needs. The earliest instant per month answers the one finer
/// question, "as of an instant in the middle of a month, had the profile already been active this
/// month?", exactly. The cost is one 16-byte entry per active month, at most 12 a year however
/// many events the profile sends, and the history is kept so any past month can be recounted.
struct ProfileActivity: Sendable {
    struct ActiveMonth: Sendable {
        /// `CalendarMonth.index`.
        var month: Int32
        var firstEvent: Date
    }

    /// Ascending by month, one entry per month.
    private(set) var months: [ActiveMonth] = []

    /// Notes an event at `instant`, which falls in local month `month`. Late, out-of-order events
    /// are fine: they only ever add a month or move a month's first event earlier.
    mutating func record(month: Int, at instant: Date) {
        let month = Int32(month)
        // Events mostly arrive in time order, so the newest month is checked first.
        if let last = self.months.last, last.month < month {
            self.months.append(ActiveMonth(month: month, firstEvent: instant))
            return
        }
        let position = self.firstPosition(notBefore: month)
        if position < self.months.count && self.months[position].month == month {
            self.months[position].firstEvent = min(self.months[position].firstEvent, instant)
        } else {
            self.months.insert(ActiveMonth(month: month, firstEvent: instant), at: position)
        }
    }

    /// Takes in another profile's history (a merge): the union of months, the earlier first event.
    mutating func absorb(_ other: ProfileActivity) {
        for entry in other.months {
            self.record(month: Int(entry.month), at: entry.firstEvent)
        }
    }

    /// Whether the profile had an event in months `window` (indexes, both ends inclusive), counting
    /// in the window's last month only events at or before `cutoff` (nil: the whole month).
    func wasActive(in window: ClosedRange<Int>, notAfter cutoff: Date?) -> Bool {
        // The latest active month not after the window's end...
        var position = self.firstPosition(notBefore: Int32(window.upperBound) + 1) - 1
        guard position >= 0 else { return false }
        if let cutoff, Int(self.months[position].month) == window.upperBound,
            self.months[position].firstEvent > cutoff
        {
            // ...skipping the last month if its first event came after the cutoff.
            position -= 1
            guard position >= 0 else { return false }
        }
        // ...must not be before the window's start.
        return Int(self.months[position].month) >= window.lowerBound
    }

    /// Binary search: the index of the first entry whose month is `month` or later.
    private func firstPosition(notBefore month: Int32) -> Int {
        var low = 0
        var high = self.months.count
        while low < high {
            let middle = (low + high) / 2
            if self.months[middle].month < month { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
