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
    ///
    /// Each time value is first replaced by its index among the distinct times, so a summary
    /// becomes a small integer key (x, age index, recency index); sorting the keys and counting
    /// runs then groups a million customers in a fraction of a second.
    public init(_ summaries: [CustomerSummary]) {
        var timeIndex: [Double: Int32] = [:]
        // Whole-day times (the usual case) are looked up in a plain array instead of hashing.
        var wholeTimeIndex = [Int32](repeating: -1, count: 1 << 16)
        var times: [Double] = []
        func index(of time: Double) -> Int32 {
            if let whole = Int(exactly: time), whole >= 0, whole < wholeTimeIndex.count {
                if wholeTimeIndex[whole] >= 0 { return wholeTimeIndex[whole] }
                let next = Int32(times.count)
                wholeTimeIndex[whole] = next
                times.append(time)
                return next
            }
            if let existing = timeIndex[time] { return existing }
            let next = Int32(times.count)
            timeIndex[time] = next
            times.append(time)
            return next
        }
        var keys: [Key] = []
        keys.reserveCapacity(summaries.count)
        var skipped = 0
        for summary in summaries {
            guard summary.inconsistency == nil else {
                skipped += 1
                continue
            }
            let recency = summary.frequency == 0 ? 0 : summary.recency
            keys.append(Key(frequency: summary.frequency, age: index(of: summary.age), recency: index(of: recency)))
        }
        Self.sort(&keys)
        var position = 0
        while position < keys.count {
            let key = keys[position]
            var end = position + 1
            while end < keys.count && keys[end] == key { end += 1 }
            self.frequency.append(key.frequency)
            self.age.append(times[Int(key.age)])
            self.recency.append(times[Int(key.recency)])
            self.ageIndex.append(key.age)
            self.recencyIndex.append(key.recency)
            self.count.append(Double(end - position))
            self.customers += end - position
            position = end
        }
        self.times = times
        self.skipped = skipped
    }

    /// A systematic sample of one customer in `every`: group by group (in frequency order),
    /// keeping as many of a group's customers as whole multiples of `every` its running total
    /// crosses. Every frequency stratum is represented in proportion, so the sample's likelihood
    /// has nearly the same optimum and curvature as the full one: a cheap warm start.
    func systematicSample(every: Int) -> SummaryGroups {
        var sample = self
        sample.frequency = []
        sample.recency = []
        sample.age = []
        sample.count = []
        sample.ageIndex = []
        sample.recencyIndex = []
        sample.customers = 0
        var runningTotal = 0
        for index in self.frequency.indices {
            let before = runningTotal / every
            runningTotal += Int(self.count[index])
            let kept = runningTotal / every - before
            guard kept > 0 else { continue }
            sample.frequency.append(self.frequency[index])
            sample.recency.append(self.recency[index])
            sample.age.append(self.age[index])
            sample.count.append(Double(kept))
            sample.ageIndex.append(self.ageIndex[index])
            sample.recencyIndex.append(self.recencyIndex[index])
            sample.customers += kept
        }
        return sample
    }

    /// Sorts the keys. They are packed into 64-bit integers with as many bits per field as the
    /// largest value needs (with times in days, about 30 bits in all) and sorted by a
    /// least-significant-digit radix sort, 11 bits per pass: three linear passes instead of a
    /// comparison sort. Keys that do not fit 64 bits fall back to the comparison sort.
    private static func sort(_ keys: inout [Key]) {
        guard keys.count > 1 else { return }
        func width(_ value: Int) -> Int { Int.bitWidth - value.leadingZeroBitCount }
        let recencyBits = width(Int(keys.map(\.recency).max()!))
        let ageBits = width(Int(keys.map(\.age).max()!))
        let totalBits = width(keys.map(\.frequency).max()!) + ageBits + recencyBits
        guard totalBits <= 64 else {
            keys.sort()
            return
        }
        var packed = keys.map { UInt64($0.frequency) << (ageBits + recencyBits) | UInt64($0.age) << recencyBits | UInt64($0.recency) }
        var buffer = [UInt64](repeating: 0, count: packed.count)
        let digitBits = 11, digitMask: UInt64 = (1 << 11) - 1
        var shift = 0
        while shift < totalBits {
            var starts = [Int](repeating: 0, count: (1 << digitBits) + 1)
            for key in packed { starts[Int((key >> UInt64(shift)) & digitMask) + 1] += 1 }
            for digit in 0..<(1 << digitBits) { starts[digit + 1] += starts[digit] }
            for key in packed {
                let digit = Int((key >> UInt64(shift)) & digitMask)
                buffer[starts[digit]] = key
                starts[digit] += 1
            }
            swap(&packed, &buffer)
            shift += digitBits
        }
        let ageMask: UInt64 = (1 << UInt64(ageBits)) - 1, recencyMask: UInt64 = (1 << UInt64(recencyBits)) - 1
        for index in packed.indices {
            let key = packed[index]
            keys[index] = Key(
                frequency: Int(key >> UInt64(ageBits + recencyBits)),
                age: Int32(truncatingIfNeeded: (key >> UInt64(recencyBits)) & ageMask),
                recency: Int32(truncatingIfNeeded: key & recencyMask)
            )
        }
    }

    private struct Key: Comparable {
        var frequency: Int
        var age: Int32
        var recency: Int32

        static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.frequency, lhs.age, lhs.recency) < (rhs.frequency, rhs.age, rhs.recency)
        }
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

    /// The distinct values of age and recency. A likelihood pass takes ln(α + t) once per distinct
    /// time rather than twice per group: with times in days there are only a few thousand.
    public private(set) var times: [Double] = []
    /// Position of each group's age in `times`.
    public private(set) var ageIndex: [Int32] = []
    /// Position of each group's recency in `times`.
    public private(set) var recencyIndex: [Int32] = []

}
