/// The Marketing Analytics price list: tiers by active-profile limit, smallest first.
///
/// A table is always valid once built: non-empty, limits strictly ascending and positive, prices
/// positive and never decreasing (see `TierTableError`). Operators replace the defaults through
/// configuration (`TierTable(configurationText:)`, `TierTable(json:)`).
public struct TierTable: Hashable, Sendable {
    /// Smallest first.
    public let tiers: [Tier]

    public init(_ tiers: [Tier]) throws(TierTableError) {
        guard !tiers.isEmpty else { throw .empty }
        for (offset, tier) in tiers.enumerated() {
            let number = offset + 1
            guard tier.activeProfileLimit > 0 else {
                throw .nonPositiveLimit(tier: number, limit: tier.activeProfileLimit)
            }
            guard tier.monthlyPrice > .zero else {
                throw .nonPositivePrice(tier: number, price: tier.monthlyPrice)
            }
            if offset > 0 {
                let previous = tiers[offset - 1]
                guard tier.activeProfileLimit > previous.activeProfileLimit else {
                    throw .limitsNotAscending(
                        tier: number, limit: tier.activeProfileLimit, previousLimit: previous.activeProfileLimit)
                }
                guard tier.monthlyPrice >= previous.monthlyPrice else {
                    throw .priceDecreases(tier: number, price: tier.monthlyPrice, previousPrice: previous.monthlyPrice)
                }
            }
        }
        self.tiers = tiers
    }

    /// The default tiers, used when configuration names none (prices in USD a month):
    ///
    /// | active profiles up to | monthly price |
    /// | ---: | ---: |
    /// | 13,500 | $100 |
    /// | 25,000 | $150 |
    /// | 50,000 | $250 |
    /// | 100,000 | $400 |
    /// | 250,000 | $750 |
    /// | 500,000 | $1,250 |
    /// | 1,000,000 | $2,000 |
    /// | 2,500,000 | $4,000 |
    /// | 5,000,000 | $7,000 |
    ///
    /// The first tier is the product's entry price. Each step roughly doubles the profiles while the
    /// price per profile falls (from 0.74 to 0.14 cents), as large senders expect volume pricing.
    public static let defaults: TierTable = {
        let rows: [(Int, Int64)] = [
            (13_500, 100), (25_000, 150), (50_000, 250), (100_000, 400), (250_000, 750),
            (500_000, 1_250), (1_000_000, 2_000), (2_500_000, 4_000), (5_000_000, 7_000),
        ]
        // The rows above satisfy every rule; a mistake here fails every test at once.
        return try! TierTable(rows.map { Tier(activeProfileLimit: $0.0, monthlyPrice: Money(units: $0.1)) })
    }()

    /// The entry tier.
    public var smallest: Tier { self.tiers[0] }

    /// The largest tier; above it the table has no answer (see `tier(covering:)`).
    public var largest: Tier { self.tiers[self.tiers.count - 1] }

    /// The smallest tier whose limit is at least `activeProfiles`, or nil when even the largest tier
    /// is too small. 13,500 active profiles fit the 13,500 tier; 13,501 need the next one.
    public func tier(covering activeProfiles: Int) -> Tier? {
        self.tiers.first { $0.covers(activeProfiles: activeProfiles) }
    }

    /// The tier with exactly this limit, if the table has one (how a purchase names its tier).
    public func tier(withLimit limit: Int) -> Tier? {
        self.tiers.first { $0.activeProfileLimit == limit }
    }
}
