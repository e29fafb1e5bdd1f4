public import Foundation

/// Counts an account's active profiles, incrementally, from its events and profile merges.
///
/// **Definition.** A profile is active in a month when it has at least one event in the look-back
/// window ending at that month's end: the month itself and the `lookBackMonths - 1` calendar months
/// before it, in the account's time zone (default 12 months: all of January to December for
/// December). The window is whole local months, both ends inclusive, so an event at the very first
/// instant of the window's first month counts and one an instant earlier does not.
///
/// **As of an instant** the window is the same whole months with its last month cut at that instant:
/// the current month to date and the months before it. So the count at any moment is what the
/// month's invoice would show if no more events arrived; it can only grow during a month, and the
/// count at the month's end is the month's count.
///
/// **Merges** are retroactive: the merged profile's history follows the survivor (PRODUCT.md §1),
/// so the two count once in every month, past ones included, and later events that still name the
/// merged profile go to the survivor. The answers depend only on the set of events and merges fed
/// in, not their order, so replaying the same stretch of the ingest log always gives the same counts.
///
/// **Cost.** Recording an event is a dictionary lookup and, usually, an append; each profile keeps
/// one small entry per active month (see `ProfileActivity`), never the events themselves. A query
/// looks at each profile's entries once (a binary search), not at events.
///
/// A value type with no locking: the service owns one per account and serialises access to it.
public struct ActiveProfileCounter: Sendable {
    /// Ingest's profile id.
    public typealias ProfileID = UInt64

    public let timeZone: TimeZone
    public let lookBackMonths: Int

    private let calendar: Calendar
    private var activity: [ProfileID: ProfileActivity] = [:]
    /// merged profile → the profile it was merged into (which may itself have been merged later).
    private var mergedInto: [ProfileID: ProfileID] = [:]
    /// The local month of the last recorded event and its span. Events arrive mostly in time order,
    /// so this spares a calendar computation (the slow part of recording) for nearly every event.
    private var lastMonth: (index: Int, span: Range<Date>)?

    public init(timeZone: TimeZone, lookBackMonths: Int = 12) {
        precondition(lookBackMonths >= 1, "the look-back window is at least one month")
        self.timeZone = timeZone
        self.lookBackMonths = lookBackMonths
        self.calendar = .gregorian(in: timeZone)
    }

    /// Notes an event of `profile` at `instant` (the event's own timestamp, not its arrival time).
    public mutating func record(profile: ProfileID, at instant: Date) {
        let month = self.monthIndex(of: instant)
        self.activity[self.survivor(of: profile), default: ProfileActivity()].record(month: month, at: instant)
    }

    private mutating func monthIndex(of instant: Date) -> Int {
        if let last = self.lastMonth, last.span.contains(instant) { return last.index }
        let month = CalendarMonth.containing(instant, calendar: self.calendar)
        let span = month.start(calendar: self.calendar)..<month.advanced(by: 1).start(calendar: self.calendar)
        self.lastMonth = (month.index, span)
        return month.index
    }

    /// Notes that `merged` was merged into `survivor`: from now on they are one profile, in every
    /// month. Merging a profile into itself (or into a profile it already belongs to) changes nothing.
    public mutating func merge(_ merged: ProfileID, into survivor: ProfileID) {
        let mergedRoot = self.survivor(of: merged)
        let survivorRoot = self.survivor(of: survivor)
        guard mergedRoot != survivorRoot else { return }
        self.mergedInto[mergedRoot] = survivorRoot
        if let history = self.activity.removeValue(forKey: mergedRoot) {
            self.activity[survivorRoot, default: ProfileActivity()].absorb(history)
        }
    }

    /// The profile that now stands for `profile` (itself unless it was merged away).
    public func survivor(of profile: ProfileID) -> ProfileID {
        var current = profile
        while let next = self.mergedInto[current] { current = next }
        return current
    }

    /// Active profiles at `instant`: events in the current local month up to and including `instant`,
    /// or in the `lookBackMonths - 1` months before it.
    public func activeProfiles(asOf instant: Date) -> Int {
        let month = CalendarMonth.containing(instant, calendar: self.calendar)
        let window = self.window(endingWith: month)
        return self.activity.values.count { $0.wasActive(in: window, notAfter: instant) }
    }

    /// Active profiles in a month: events in that whole local month or the `lookBackMonths - 1`
    /// months before it. This is the count a month's invoice uses.
    public func activeProfiles(in month: CalendarMonth) -> Int {
        let window = self.window(endingWith: month)
        return self.activity.values.count { $0.wasActive(in: window, notAfter: nil) }
    }

    /// Whether one profile (or the profile it was merged into) is active at `instant`.
    public func isActive(_ profile: ProfileID, asOf instant: Date) -> Bool {
        let month = CalendarMonth.containing(instant, calendar: self.calendar)
        let history = self.activity[self.survivor(of: profile)]
        return history?.wasActive(in: self.window(endingWith: month), notAfter: instant) ?? false
    }

    /// Profiles with any recorded event, after merges.
    public var profilesWithActivity: Int { self.activity.count }

    private func window(endingWith month: CalendarMonth) -> ClosedRange<Int> {
        (month.index - self.lookBackMonths + 1)...month.index
    }
}
