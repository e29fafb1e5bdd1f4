import Foundation
import SextantContracts
import SextantWire
import Testing

/// The metric conditions of PRODUCT.md 8, as every log reader evaluates a custom metric.
@Suite struct CustomMetricEvaluationTests {
    static func event(_ metric: String = "Placed Order", value: Decimal? = nil, _ properties: [String: JSONValue] = [:]) -> LoggedEvent {
        LoggedEvent(
            position: 1, accountID: 1, profileID: 1, metric: metric, time: Date(timeIntervalSince1970: 1_700_000_000),
            receivedAt: Date(timeIntervalSince1970: 1_700_000_000), value: value, uniqueID: nil, properties: properties)
    }

    static func event(_ properties: [String: JSONValue]) -> LoggedEvent { Self.event("Placed Order", properties) }

    static func decimal(_ text: String) -> JSONValue { .number(Decimal(string: text)!) }

    static func holds(_ property: String, _ op: PropertyFilter.Operator, _ operand: JSONValue?, on event: LoggedEvent) -> Bool {
        PropertyFilter(property: property, op: op, operand: operand).matches(event)
    }

    @Test func equalityComparesScalarsAsText() {
        let properties: [String: JSONValue] = ["source": "pos", "gift": true, "items": 3, "price": Self.decimal("12.5"), "tags": ["a", "b"], "none": nil]
        let order = Self.event(properties)
        #expect(Self.holds("source", .equals, "pos", on: order))
        #expect(!Self.holds("source", .equals, "POS", on: order))
        #expect(Self.holds("gift", .equals, "true", on: order) && Self.holds("gift", .equals, true, on: order))
        #expect(Self.holds("items", .equals, "3", on: order) && Self.holds("items", .equals, 3, on: order))
        #expect(Self.holds("price", .equals, "12.5", on: order))
        // Arrays and objects are not scalars; a null property is missing.
        #expect(!Self.holds("tags", .equals, "a", on: order) && Self.holds("tags", .notEquals, "a", on: order))
        #expect(!Self.holds("none", .equals, "null", on: order))
        // Missing: `=` false, `!=` true.
        #expect(!Self.holds("channel", .equals, "web", on: order))
        #expect(Self.holds("channel", .notEquals, "web", on: order))
        #expect(!Self.holds("source", .notEquals, "pos", on: order))
    }

    @Test func valueIsTheEventValueComparedAsADecimal() {
        let order = Self.event(value: Decimal(string: "10.50"))
        #expect(Self.holds("value", .equals, Self.decimal("10.5"), on: order))
        #expect(Self.holds("value", .equals, "10.5", on: order))
        #expect(Self.holds("value", .greaterThan, 10, on: order) && !Self.holds("value", .greaterThan, Self.decimal("10.5"), on: order))
        #expect(Self.holds("value", .greaterOrEqual, Self.decimal("10.5"), on: order) && Self.holds("value", .lessOrEqual, Self.decimal("10.5"), on: order))
        #expect(Self.holds("value", .isSet, nil, on: order))
        #expect(Self.holds("value", .isNotSet, nil, on: Self.event()))
        // A text operand that is decimal text is the number; a property named "value" is not the value.
        #expect(Self.holds("value", .equals, "10.500", on: order) && Self.holds("value", .greaterThan, "10", on: order))
        #expect(!Self.holds("value", .equals, "9", on: Self.event(value: 10, ["value": 9])))
        // Free orders excluded: value > 0.
        #expect(!Self.holds("value", .greaterThan, 0, on: Self.event(value: 0)))
    }

    @Test func comparisonsAreFalseForNonNumbersAndMissingProperties() {
        let order = Self.event(["total": 20, "code": "20"] as [String: JSONValue])
        #expect(Self.holds("total", .lessThan, 25, on: order) && !Self.holds("total", .lessThan, 20, on: order))
        #expect(!Self.holds("code", .lessThan, 25, on: order) && !Self.holds("code", .greaterThan, 1, on: order))
        #expect(!Self.holds("missing", .lessThan, 25, on: order) && !Self.holds("missing", .greaterOrEqual, 0, on: order))
    }

    @Test func containsLooksInsideTextAndArrays() {
        let order = Self.event(["note": "subscription renewal", "tags": ["recurring", "vip"]] as [String: JSONValue])
        #expect(Self.holds("note", .contains, "renewal", on: order) && !Self.holds("note", .contains, "Renewal", on: order))
        #expect(Self.holds("tags", .contains, "vip", on: order) && !Self.holds("tags", .contains, "vi", on: order))
        #expect(Self.holds("tags", .notContains, "trial", on: order))
        // Missing: contains false, not contains true.
        #expect(!Self.holds("other", .contains, "x", on: order) && Self.holds("other", .notContains, "x", on: order))
    }

    @Test func aMetricMatchesAnyOfItsSourcesWithAllTheirFilters() {
        let metric = CustomMetric(
            id: 1, accountID: 1, name: "Web and offline revenue",
            sources: [
                CustomMetricSource(metric: "Placed Order", filters: [
                    PropertyFilter(property: "source", op: .notEquals, operand: "pos"),
                    PropertyFilter(property: "value", op: .greaterThan, operand: 0),
                ]),
                CustomMetricSource(metric: "Offline Sale"),
            ],
            aggregation: .value(property: "amount"), createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(metric.sourceMetrics == ["Placed Order", "Offline Sale"])
        #expect(metric.matches(Self.event(value: 5, ["source": "web"])))
        #expect(!metric.matches(Self.event(value: 5, ["source": "pos"])))
        #expect(!metric.matches(Self.event(value: 0, ["source": "web"])))
        #expect(metric.matches(Self.event("Offline Sale")))
        #expect(!metric.matches(Self.event("Viewed Product", value: 5)))
        // The measure: the property's number, or text that is one; nothing without it.
        #expect(metric.measure(Self.event("Offline Sale", ["amount": "30.50"])) == Decimal(string: "30.5"))
        #expect(metric.measure(Self.event("Offline Sale", ["amount": 12])) == 12)
        #expect(metric.measure(Self.event("Offline Sale", ["amount": "n/a"])) == nil)
        // Only plain decimal text is an amount: no grouping, units or exponents.
        for text in ["1,299.00", "12 USD", "1e3", "", " 5", "+5", ".5"] {
            #expect(metric.measure(Self.event("Offline Sale", ["amount": .string(text)])) == nil, "\(text)")
        }
        #expect(metric.measure(Self.event("Offline Sale", ["amount": "-0.25"])) == Decimal(string: "-0.25"))
        #expect(metric.measure(Self.event("Offline Sale", value: 9)) == nil)
        var byValue = metric
        byValue.aggregation = .value(property: nil)
        #expect(byValue.measure(Self.event(value: 9)) == 9)
        byValue.aggregation = .count
        #expect(byValue.measure(Self.event(value: 9)) == 1)
    }
}
