import Billing
import Foundation

/// An instant from ISO 8601 text with an explicit offset, e.g. `"2025-01-31T23:30:00Z"`.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}

let utc = TimeZone(identifier: "UTC")!
let berlin = TimeZone(identifier: "Europe/Berlin")!

func month(_ year: Int, _ month: Int) -> CalendarMonth {
    CalendarMonth(year: year, month: month)
}

/// The default tiers by limit, for readable expectations.
func defaultTier(_ limit: Int) -> Tier {
    TierTable.defaults.tier(withLimit: limit)!
}

/// A small deterministic generator (SplitMix64) so randomized tests fail the same way every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
