import Foundation
import Ingest
import SextantContracts
import SextantWire
import Testing

@Suite struct EventValidatorTests {
    let now = Date(timeIntervalSince1970: 1_793_534_400)
    var validator: EventValidator { EventValidator(now: self.now) }

    func fields(_ event: EventInput) -> [String] { self.validator.problems(in: event).map(\.field) }

    func event(_ properties: [String: JSONValue] = [:], metric: String = "Viewed Product") -> EventInput {
        EventInput(metric: metric, profile: ProfileIdentifiers(email: "a@example.com"), time: self.now, properties: properties)
    }

    @Test func aGoodEventHasNoProblems() {
        #expect(self.fields(self.event(["product_id": "p1", "nested": ["a": [1, 2, 3]]])) == [])
    }

    @Test func identifiersAreRequiredAndWellFormed() {
        var event = self.event()
        event.profile = ProfileIdentifiers()
        #expect(self.fields(event) == ["profile"])
        event.profile = ProfileIdentifiers(email: "not-an-email", phone: "555-0100", externalID: "")
        #expect(self.fields(event) == ["profile.email", "profile.phone", "profile.externalID"])
        #expect(IdentityNormalizer.email("  Ada@Example.COM ") == "ada@example.com")
        #expect(IdentityNormalizer.phone("+1 (555) 555-0100") == "+15555550100")
        #expect(IdentityNormalizer.phone("+0123456789") == nil)
    }

    @Test func timestampsFrom2000ToOneYearAhead() {
        var event = self.event()
        event.time = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01T00:00:00Z: allowed
        #expect(self.fields(event) == [])
        event.time = Date(timeIntervalSince1970: 946_684_799)
        #expect(self.validator.problems(in: event) == [FieldError(field: "time", reason: "before 2000-01-01T00:00:00Z")])
        event.time = self.now.addingTimeInterval(365 * 86_400)
        #expect(self.fields(event) == [])
        event.time = self.now.addingTimeInterval(365 * 86_400 + 1)
        #expect(self.validator.problems(in: event) == [FieldError(field: "time", reason: "more than one year in the future")])
    }

    @Test func moneyValues() {
        #expect(EventValidator.moneyProblem(Decimal(string: "129.99")!) == nil)
        #expect(EventValidator.moneyProblem(0) == nil)
        #expect(EventValidator.moneyProblem(Decimal(string: "-1")!) != nil)
        #expect(EventValidator.moneyProblem(Decimal(string: "10000000000000")!) == nil)
        #expect(EventValidator.moneyProblem(Decimal(string: "10000000000000.01")!) != nil)
        #expect(EventValidator.moneyProblem(Decimal(string: "1.123456")!) == nil)
        #expect(EventValidator.moneyProblem(Decimal(string: "1.1234567")!) == "more than 6 decimal places")
        #expect(EventValidator.moneyProblem(Decimal.nan) == "is not a number")
    }

    @Test func propertyLimits() {
        var many: [String: JSONValue] = [:]
        for index in 0..<400 { many["p\(index)"] = .bool(true) }
        #expect(self.fields(self.event(many)) == [])
        many["one-more"] = .null
        #expect(self.validator.problems(in: self.event(many)) == [FieldError(field: "properties", reason: "401 properties; at most 400")])

        let longString = String(repeating: "x", count: 100 * 1_024)
        #expect(self.fields(self.event(["s": .string(longString)])) == [])
        #expect(self.fields(self.event(["s": .string(longString + "x")])) == ["properties.s"])

        let array = JSONValue.array(Array(repeating: .number(1), count: 4_000))
        #expect(self.fields(self.event(["a": array])) == [])
        #expect(self.fields(self.event(["a": .array(Array(repeating: .number(1), count: 4_001))])) == ["properties.a"])
    }

    @Test func nestingDepthIsTen() {
        // The properties object is level 1; nine more levels are allowed.
        func nested(_ levels: Int) -> JSONValue {
            var value: JSONValue = "leaf"
            for _ in 0..<levels { value = .object(["k": value]) }
            return value
        }
        #expect(self.fields(self.event(["k": nested(9)])) == [])
        let problems = self.validator.problems(in: self.event(["k": nested(10)]))
        #expect(problems.count == 1)
        #expect(problems.first?.reason == "nested deeper than 10 levels")
    }

    @Test func metricNames() {
        #expect(self.fields(self.event(metric: " ")) == ["metric"])
        #expect(self.fields(self.event(metric: String(repeating: "m", count: 129))) == ["metric"])
    }
}

@Suite struct OrderedProductDerivationTests {
    @Test func oneEventPerReadableItem() {
        let order = EventInput.order(email: "a@example.com", id: "1001", items: [
            EventInput.item("sku-1", quantity: 2, price: "49.99"),
            EventInput.item("sku-2", price: "30.01"),
            .object(["price": .number(5)]),  // no product id: skipped
            .object(["product_id": "sku-3", "price": "abc"]),  // unreadable price: skipped
            .object(["product_id": .number(77), "price": "2.50", "quantity": .number(4), "title": "Mug"]),
        ])
        let (items, skipped) = OrderedProductDerivation.items(of: order)
        #expect(skipped == 2)
        #expect(items.map(\.index) == [0, 1, 4])
        #expect(items.map(\.value) == [Decimal(string: "99.98")!, Decimal(string: "30.01")!, Decimal(10)])
        #expect(items[2].properties["product_id"] == "77")
        #expect(items[2].properties["title"] == "Mug")
        #expect(items[0].properties["order_id"] == "1001")
        #expect(items[1].properties["quantity"] == .number(1))
    }

    @Test func lineTotalsMustBeStorableValues() {
        let order = EventInput.order(email: "a@example.com", id: "1", items: [
            EventInput.item("huge", quantity: 2, price: "9000000000000"),  // 1.8 × 10^13: over the limit
            EventInput.item("fine", quantity: 2, price: "0.5"),
        ])
        let (items, skipped) = OrderedProductDerivation.items(of: order)
        #expect(skipped == 1)
        #expect(items.map { $0.properties["product_id"] } == ["fine"])
    }

    @Test func onlyPlacedOrdersDerive() {
        var event = EventInput.order(email: "a@example.com", id: "1", items: [EventInput.item("p", price: "1")])
        event.metric = "Started Checkout"
        #expect(OrderedProductDerivation.items(of: event).items.isEmpty)
    }
}
