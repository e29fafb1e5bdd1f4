/// Customers with identical (frequency, recency, age) summaries, stored once with a count.
///
/// Real accounts measure time in days, so a million customers share far fewer distinct triples
/// (frequency is small, and age and recency take at most a few thousand values); the likelihood
/// then costs one term per distinct triple instead of one per customer. Groups are sorted by
/// frequency, so terms that depend only on the frequency (the gamma functions) are computed once
/// per frequency value in each likelihood pass.
public struct SummaryGroups: Sendable {
    /// Frequency x of each group, ascending.
    public private(set) var frequency: [Int] = []
    /// Recency t_x of each group (0 when x = 0, where it carries no information).
    public private(set) var recency: [Double] = []
    /// Age T of each group.
    public private(set) var age: [Double] = []
    /// How many customers share the group's summary.
    public private(set) var count: [Double] = []
    /// The number of customers in all groups.
    public private(set) var customers: Int = 0

    public var isEmpty: Bool { self.frequency.isEmpty }

    /// Groups the summaries; summaries with an `inconsistency` are skipped (see `skipped`).
    public init<S: Sequence>(_ summaries: S) where S.Element == CustomerSummary {
        var counts: [Key: Int] = [:]
        var skipped = 0
        for summary in summaries {
            guard summary.inconsistency == nil else {
                skipped += 1
                continue
            }
            let recency = summary.frequency == 0 ? 0 : summary.recency
            counts[Key(frequency: summary.frequency, recency: recency, age: summary.age), default: 0] += 1
        }
        let keys = counts.keys.sorted { ($0.frequency, $0.age, $0.recency) < ($1.frequency, $1.age, $1.recency) }
        self.frequency.reserveCapacity(keys.count)
        self.recency.reserveCapacity(keys.count)
        self.age.reserveCapacity(keys.count)
        self.count.reserveCapacity(keys.count)
        for key in keys {
            let n = counts[key]!
            self.frequency.append(key.frequency)
            self.recency.append(key.recency)
            self.age.append(key.age)
            self.count.append(Double(n))
            self.customers += n
        }
        self.skipped = skipped
    }

    /// Summaries left out because they were inconsistent (negative times, recency after age, ...).
    public private(set) var skipped: Int = 0

    /// The number of distinct summaries.
    public var distinctSummaries: Int { self.frequency.count }

    /// The number of customers with at least one repeat purchase.
    public var repeatCustomers: Int {
        var total = 0.0
        for index in self.frequency.indices where self.frequency[index] > 0 { total += self.count[index] }
        return Int(total)
    }

    private struct Key: Hashable {
        var frequency: Int
        var recency: Double
        var age: Double
    }
}
