public import Foundation

/// Customer Hub revenue (PRODUCT.md 4): pure rule code, no storage.
///
/// An ordered item (one `Ordered Product` event: a product of an order, with its line revenue)
/// is attributed to the Customer Hub when the same profile, in the Hub, within the 24 hours
/// before the order (inclusive at both ends: exactly 24 h counts, an interaction at the order's
/// instant counts, one after it never does):
/// - clicked that product (`Hub Clicked Product`, property `product_id`),
/// - added it to the cart (`Hub Added to Cart`, property `product_id`), or
/// - clicked "buy again" (`Hub Clicked Buy Again`, property `order_id`) on an earlier order that
///   contained it.
///
/// Only those items count; an item is attributed at most once. When several interactions
/// qualify, the explanation names the **latest** one (greatest time; at the same instant the
/// greatest log position), so the answer does not depend on the order in which the events
/// arrived.
public enum HubAttributionRule {
    /// The look-back window: 24 hours of elapsed time.
    public static let window: TimeInterval = 24 * 60 * 60

    /// The metric names of the three qualifying interactions.
    public static let clickedProductMetric = "Hub Clicked Product"
    public static let addedToCartMetric = "Hub Added to Cart"
    public static let clickedBuyAgainMetric = "Hub Clicked Buy Again"

    /// Which rule attributed an item. Raw values are stable (stored and sent).
    public enum Rule: UInt8, Sendable, Hashable, Codable, CaseIterable {
        case clickedProduct = 1
        case addedToCart = 2
        case clickedBuyAgain = 3

        /// The rule of an interaction metric, nil for any other metric.
        public init?(metric: String) {
            switch metric {
            case HubAttributionRule.clickedProductMetric: self = .clickedProduct
            case HubAttributionRule.addedToCartMetric: self = .addedToCart
            case HubAttributionRule.clickedBuyAgainMetric: self = .clickedBuyAgain
            default: return nil
            }
        }

        public var metric: String {
            switch self {
            case .clickedProduct: HubAttributionRule.clickedProductMetric
            case .addedToCart: HubAttributionRule.addedToCartMetric
            case .clickedBuyAgain: HubAttributionRule.clickedBuyAgainMetric
            }
        }
    }

    /// One Hub interaction, already resolved to the products it concerns (for buy again: the
    /// products of the earlier order).
    public struct Interaction: Sendable, Hashable {
        public var position: UInt64
        public var time: Date
        public var rule: Rule
        public var productIDs: Set<String>

        public init(position: UInt64, time: Date, rule: Rule, productIDs: Set<String>) {
            self.position = position
            self.time = time
            self.rule = rule
            self.productIDs = productIDs
        }
    }

    /// One ordered item.
    public struct Item: Sendable, Hashable {
        public var position: UInt64
        public var time: Date
        public var productID: String

        public init(position: UInt64, time: Date, productID: String) {
            self.position = position
            self.time = time
            self.productID = productID
        }
    }

    /// True when `interaction` at `interactionTime` may attribute an order at `orderTime`.
    public static func inWindow(interactionTime: Date, orderTime: Date) -> Bool {
        let elapsed = orderTime.timeIntervalSince(interactionTime)
        return elapsed >= 0 && elapsed <= window
    }

    /// True when `a` is preferred over `b` as an item's explanation (the later one).
    public static func prefers(_ a: (time: Date, position: UInt64), over b: (time: Date, position: UInt64)) -> Bool {
        a.time != b.time ? a.time > b.time : a.position > b.position
    }

    /// The interaction that attributes `item`, or nil: the latest qualifying one of the same
    /// profile (the caller passes only that profile's interactions).
    public static func attribution(of item: Item, interactions: some Sequence<Interaction>) -> Interaction? {
        var best: Interaction?
        for interaction in interactions
        where interaction.productIDs.contains(item.productID) && self.inWindow(interactionTime: interaction.time, orderTime: item.time) {
            if let current = best, !self.prefers((interaction.time, interaction.position), over: (current.time, current.position)) {
                continue
            }
            best = interaction
        }
        return best
    }

    /// The attribution of each item of `items` (same profile as `interactions`), keyed by the
    /// item's position; unattributed items are absent.
    public static func attributions(of items: [Item], interactions: [Interaction]) -> [UInt64: Interaction] {
        var result: [UInt64: Interaction] = [:]
        for item in items {
            if let interaction = self.attribution(of: item, interactions: interactions) {
                result[item.position] = interaction
            }
        }
        return result
    }
}
