import Synchronization

/// "Active accounts" — distinct profiles that opened the Hub on some day of a range — answered
/// in microseconds, whatever the number of profiles.
///
/// For every (profile, day) row of `hub_openers` the index keeps the profile's *previous* open
/// day (or none), filed under the day. A profile is active in `[a, b]` exactly when one of its
/// open days in the range has no previous open day at or after `a` (its first open in the
/// range), so
///
///     active(a, b) = Σ over days d in [a, b] of #{rows of day d whose previous day < a}
///
/// and with each day's previous days kept sorted, each term is one binary search: a 365-day
/// period costs 365 searches instead of a distinct count over every opener row.
///
/// The index is derived: ``InsightsStore`` builds it from `hub_openers` when it opens and feeds it
/// the changes of every committed batch (``Change``). Memory: 4 bytes per (profile, day) opener row.
final class OpenerIndex: Sendable {
    /// Stands for "no previous open day".
    static let none = Int32.min

    /// One row added to or removed from a day's list.
    struct Change: Sendable, Hashable {
        var account: UInt64
        var day: Int32
        var previous: Int32
        var added: Bool
    }

    /// account → day → the sorted previous days of that day's openers.
    private let days = Mutex<[UInt64: [Int32: [Int32]]]>([:])

    /// Distinct profiles with an open day in `first...last` (local day numbers).
    func activeProfiles(account: UInt64, first: Int, last: Int) -> Int64 {
        self.days.withLock { accounts in
            guard let byDay = accounts[account], first <= last else { return 0 }
            let a = Int32(clamping: first)
            var total = 0
            if last - first + 1 < byDay.count {
                for day in first...last {
                    if let previous = byDay[Int32(clamping: day)] { total += Self.countBelow(a, in: previous) }
                }
            } else {
                for (day, previous) in byDay where day >= a && Int(day) <= last { total += Self.countBelow(a, in: previous) }
            }
            return Int64(total)
        }
    }

    /// Applies the changes of one committed batch, in order.
    func apply(_ changes: [Change]) {
        guard !changes.isEmpty else { return }
        self.days.withLock { accounts in
            for change in changes {
                var list = accounts[change.account, default: [:]][change.day, default: []]
                let index = Self.countBelow(change.previous, in: list)
                if change.added {
                    list.insert(change.previous, at: index)
                } else if index < list.count, list[index] == change.previous {
                    list.remove(at: index)
                }
                accounts[change.account, default: [:]][change.day] = list.isEmpty ? nil : list
            }
        }
    }

    /// Replaces everything with the rows of `rows` (account, profile, day), which must come
    /// ordered by account, profile and day.
    func rebuild(_ rows: some Sequence<(account: UInt64, profile: UInt64, day: Int32)>) {
        var accounts: [UInt64: [Int32: [Int32]]] = [:]
        var last: (account: UInt64, profile: UInt64, day: Int32)?
        for row in rows {
            let previous = last.map { $0.account == row.account && $0.profile == row.profile ? $0.day : Self.none } ?? Self.none
            accounts[row.account, default: [:]][row.day, default: []].append(previous)
            last = row
        }
        for account in accounts.keys {
            for day in accounts[account]!.keys { accounts[account]![day]!.sort() }
        }
        self.days.withLock { $0 = accounts }
    }

    /// The number of elements of the sorted `list` below `value` (its insertion point).
    static func countBelow(_ value: Int32, in list: [Int32]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The changes that turn the rows of one profile's sorted open days `before` into `after`.
    static func changes(account: UInt64, from before: [Int32], to after: [Int32]) -> [Change] {
        var changes: [Change] = []
        for (index, day) in before.enumerated() {
            changes.append(Change(account: account, day: day, previous: index == 0 ? Self.none : before[index - 1], added: false))
        }
        for (index, day) in after.enumerated() {
            changes.append(Change(account: account, day: day, previous: index == 0 ? Self.none : after[index - 1], added: true))
        }
        return changes
    }
}
