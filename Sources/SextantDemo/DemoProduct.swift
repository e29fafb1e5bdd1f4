public import Foundation

/// One product of the demo shop's catalog.
public struct DemoProduct: Sendable, Hashable {
    /// The shop's product id, e.g. "SKU-1042"; the `product_id` of every event about it.
    public var id: String
    public var name: String
    public var category: String
    /// The list price in USD, exact to the cent.
    public var price: Decimal
    /// The price in cents (`price` × 100).
    public var priceCents: Int
    /// False for the few products no longer sold; they still appear in older orders, never in
    /// orders of the last 90 days.
    public var available: Bool
    /// Products of one group are often bought together (in the same order); each group also
    /// has a partner group in another category that shows up in the same baskets.
    public var coPurchaseGroup: Int

    public init(id: String, name: String, category: String, priceCents: Int, available: Bool, coPurchaseGroup: Int) {
        self.id = id
        self.name = name
        self.category = category
        self.price = DemoMoney.decimal(cents: priceCents)
        self.priceCents = priceCents
        self.available = available
        self.coPurchaseGroup = coPurchaseGroup
    }
}

/// Exact money for the demo: amounts are integers of cents, turned into `Decimal` only at the end.
public enum DemoMoney {
    /// `cents` / 100 as an exact `Decimal` (built from the integer, never through `Double`).
    public static func decimal(cents: Int) -> Decimal {
        Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude))
    }
}
