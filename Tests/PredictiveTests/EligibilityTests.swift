import Foundation
import Predictive
import Testing

@Suite("Eligibility")
struct EligibilityTests {
    static func facts(customers: Int = 500, historyDays: Int = 180, daysSinceLast: Int = 0, repeatCustomers: Int = 10) -> Eligibility.Facts {
        Eligibility.Facts(customersWithOrders: customers, firstOrderDay: 1_000 - historyDays, lastOrderDay: 1_000 - daysSinceLast, customersWithRepeatOrders: repeatCustomers, today: 1_000)
    }

    @Test("500 customers are enough, 499 are not")
    func customers() {
        #expect(Eligibility.check(Self.facts(customers: 500)) == .eligible)
        #expect(Eligibility.check(Self.facts(customers: 499)) == .ineligible([.customers(have: 499, need: 500)]))
    }

    @Test("180 days of history are enough, 179 are not")
    func history() {
        #expect(Eligibility.check(Self.facts(historyDays: 180)) == .eligible)
        #expect(Eligibility.check(Self.facts(historyDays: 179)) == .ineligible([.history(days: 179, need: 180)]))
    }

    @Test("an order in the last 30 days is needed")
    func recent() {
        #expect(Eligibility.check(Self.facts(daysSinceLast: 30)) == .eligible)
        #expect(Eligibility.check(Self.facts(daysSinceLast: 31)) == .ineligible([.recentOrders(daysSinceLastOrder: 31, window: 30)]))
    }

    @Test("some customers with 3 or more orders are needed")
    func repeatBuyers() {
        #expect(Eligibility.check(Self.facts(repeatCustomers: 1)) == .eligible)
        #expect(Eligibility.check(Self.facts(repeatCustomers: 0)) == .ineligible([.repeatCustomers(have: 0, need: 1, orders: 3)]))
    }

    @Test("every missing requirement is named, and an empty account misses all four")
    func allMissing() {
        let status = Eligibility.check(Eligibility.Facts(customersWithOrders: 0, firstOrderDay: nil, lastOrderDay: nil, customersWithRepeatOrders: 0, today: 1_000))
        guard case .ineligible(let missing) = status else {
            Issue.record("an empty account cannot be eligible")
            return
        }
        #expect(missing.count == 4)
        #expect(missing.map(\.description).joined(separator: "; ").contains("0 customers with orders; at least 500 are needed"))
    }

    @Test("facts from an accumulator count customers, history, recency and 3-order customers net of refunds")
    func factsFromOrders() {
        var accumulator = CustomerSummaryAccumulator()
        for customer in 0..<500 {
            for index in 0..<(customer == 0 ? 3 : 1) {
                accumulator.add(CustomerSummaryTests.order("\(customer)-\(index)", customer: "\(customer)", day: 800 + customer % 200 + index, value: 10))
            }
        }
        let eligible = Eligibility.Facts(accumulator, today: 999)
        #expect(eligible.customersWithOrders == 500)
        #expect(eligible.customersWithRepeatOrders == 1)
        #expect(Eligibility.check(Eligibility.Facts(accumulator, today: 980)) == .eligible)
        // Refunding one of the 3-order customer's orders takes away the only repeat buyer.
        accumulator.refund(orderID: "0-2", customerID: "0")
        #expect(Eligibility.check(Eligibility.Facts(accumulator, today: 980)) == .ineligible([.repeatCustomers(have: 0, need: 1, orders: 3)]))
    }
}
