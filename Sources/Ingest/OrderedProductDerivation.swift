public import Foundation
public import SextantContracts
public import SextantWire

/// Derives one `Ordered Product` event per line item of a `Placed Order` (PRODUCT.md 1).
///
/// An item needs a `product_id` (string or number) and a readable `price` (a number, or a
/// string holding only a number); a missing or unreadable `quantity` is 1. Items without them,
/// or whose line total is not a storable value, are skipped (``items(of:)`` counts them).
/// Each derived event gets the order's time and profile, `value` = price × quantity, the
/// properties `order_id`, `product_id`, `quantity`, `price` plus the item's other fields, and a
/// unique key built from the order's own key and the item's index — so a retried order never
/// derives its items twice.
///
/// When derivation happens at all is the store's decision (see `IngestStore`): not for an
/// account that sends its own `Ordered Product` events, and not for an order whose
/// `Ordered Product` events arrive in the same batch.
public enum OrderedProductDerivation {
    /// A derived event and the index of its item in `items`.
    public struct DerivedItem: Sendable, Hashable {
        public var index: Int
        public var value: Decimal
        public var properties: [String: JSONValue]
    }

    /// The derived items of `order`, and how many items were skipped.
    public static func items(of order: EventInput) -> (items: [DerivedItem], skipped: Int) {
        guard order.metric == StandardMetric.placedOrder, case .array(let items)? = order.properties["items"] else {
            return ([], 0)
        }
        var derived: [DerivedItem] = []
        var skipped = 0
        for (index, item) in items.enumerated() {
            guard case .object(let fields) = item,
                  let productID = fields["product_id"].flatMap(Self.identifierText),
                  let price = fields["price"].flatMap(Self.decimal),
                  EventValidator.moneyProblem(price) == nil
            else {
                skipped += 1
                continue
            }
            let quantity = fields["quantity"].flatMap(Self.decimal) ?? 1
            // A line total that is not a storable value (over 10^13, too many decimals) is skipped too.
            guard quantity > 0, EventValidator.moneyProblem(price * quantity) == nil else {
                skipped += 1
                continue
            }
            var properties = fields
            properties["product_id"] = .string(productID)
            properties["quantity"] = .number(quantity)
            properties["price"] = .number(price)
            if let orderID = order.properties["order_id"] {
                properties["order_id"] = orderID
            }
            derived.append(DerivedItem(index: index, value: price * quantity, properties: properties))
        }
        return (derived, skipped)
    }

    /// The order id of an event, as text (strings and numbers alike), if it has one.
    public static func orderID(of event: EventInput) -> String? {
        event.properties["order_id"].flatMap(Self.identifierText)
    }

    static func identifierText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .number(let number): number.description
        default: nil
        }
    }

    static func decimal(_ value: JSONValue) -> Decimal? {
        switch value {
        case .number(let number): number.isNaN ? nil : number
        case .string(let text):
            // The whole string must be a number: Decimal(string:) alone accepts "12abc" as 12.
            text.isEmpty || !text.allSatisfy({ "0123456789.-+eE".contains($0) })
                ? nil : Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }
}
