import Foundation
import Predictive
import Testing

@Suite("Customer summaries from orders")
struct CustomerSummaryTests {
    static func order(_ id: String, customer: String = "c", day: Int, value: Decimal, status: OrderEvent.Status = .placed, hour: Int = 12) -> OrderEvent {
        OrderEvent(orderID: id, customerID: customer, date: DayNumber.date(ofDay: day).addingTimeInterval(Double(hour) * 3600), value: value, status: status)
    }

    @Test("repeat purchases are counted per day; recency, age and mean repeat value")
    func perDay() throws {
        var accumulator = CustomerSummaryAccumulator()
        accumulator.add(Self.order("1", day: 100, value: 10))
        accumulator.add(Self.order("2", day: 100, value: 5, hour: 18))  // same day: same purchase
        accumulator.add(Self.order("3", day: 110, value: 20))
        accumulator.add(Self.order("4", day: 130, value: 7))
        accumulator.add(Self.order("5", day: 130, value: 3))
        let summary = try #require(accumulator.record(for: "c")?.summary(asOfDay: 150))
        #expect(summary.frequency == 2)
        #expect(summary.recency == 30)
        #expect(summary.age == 50)
        #expect(summary.monetaryValue == 15)  // (20 + 10) / 2 repeat days
        #expect(accumulator.record(for: "c")?.orderCount == 5)
        #expect(accumulator.record(for: "c")?.netValue == 45)
        let weeks = try #require(accumulator.record(for: "c")?.summary(asOfDay: 150, unitInDays: 7))
        #expect(abs(weeks.age - 50.0 / 7) < 1e-12)
    }

    @Test("cancelled, refunded and zero-value orders are left out; duplicates count once")
    func excluded() {
        var accumulator = CustomerSummaryAccumulator()
        let result1 = accumulator.add(Self.order("1", day: 1, value: 10, status: .cancelled))
        #expect(!result1)
        let result2 = accumulator.add(Self.order("2", day: 1, value: 10, status: .refunded))
        #expect(!result2)
        let result3 = accumulator.add(Self.order("3", day: 1, value: 0))
        #expect(!result3)
        #expect(accumulator.record(for: "c") == nil)
        let result4 = accumulator.add(Self.order("4", day: 1, value: 10))
        #expect(result4)
        let result5 = accumulator.add(Self.order("4", day: 1, value: 10))
        #expect(!result5)
        #expect(accumulator.record(for: "c")?.orderCount == 1)
    }

    @Test("refunds lower historic CLV, and a full refund lowers the order count and the purchase days")
    func refunds() throws {
        var accumulator = CustomerSummaryAccumulator()
        accumulator.add(Self.order("1", day: 10, value: Decimal(string: "19.99")!))
        accumulator.add(Self.order("2", day: 20, value: Decimal(string: "30.01")!))
        accumulator.add(Self.order("3", day: 40, value: 50))
        #expect(accumulator.record(for: "c")?.netValue == 100)

        let result6 = accumulator.refund(orderID: "2", customerID: "c", amount: Decimal(string: "10.01")!)
        #expect(result6)
        #expect(accumulator.record(for: "c")?.netValue == Decimal(string: "89.99"))
        #expect(accumulator.record(for: "c")?.orderCount == 3)

        let negative = accumulator.refund(orderID: "2", customerID: "c", amount: -5)
        #expect(!negative, "a negative refund would raise the historic value")

        // Refunding the last order in full removes its day: recency and frequency shrink.
        let result7 = accumulator.refund(orderID: "3", customerID: "c")
        #expect(result7)
        let record = try #require(accumulator.record(for: "c"))
        #expect(record.netValue == Decimal(string: "39.99"))
        #expect(record.orderCount == 2)
        let summary = try #require(record.summary(asOfDay: 50))
        #expect(summary.frequency == 1)
        #expect(summary.recency == 10)
        #expect(summary.monetaryValue == 20)

        // Cancelling the first order moves the first purchase day.
        let result8 = accumulator.cancel(orderID: "1", customerID: "c")
        #expect(result8)
        let afterCancel = try #require(accumulator.record(for: "c")?.summary(asOfDay: 50))
        #expect(afterCancel.frequency == 0)
        #expect(afterCancel.age == 30)
        let result9 = accumulator.refund(orderID: "missing", customerID: "c")
        #expect(!result9)
        let result10 = accumulator.cancel(orderID: "2", customerID: "c")
        #expect(result10)
        #expect(accumulator.record(for: "c") == nil)
    }

    @Test("refunds lower the historic CLV of the profile's predictions")
    func refundsLowerPredictions() throws {
        var accumulator = CustomerSummaryAccumulator()
        accumulator.add(Self.order("1", day: 10, value: 40))
        accumulator.add(Self.order("2", day: 20, value: 60))
        let scorer = ProfileScorer(
            purchaseModel: BGNBDModel(parameters: BGNBDParameters(r: 0.5, alpha: 20, a: 0.8, b: 2.5)), purchaseCovariance: nil,
            spendModel: GammaGammaModel(parameters: GammaGammaParameters(p: 6, q: 4, gamma: 15)), spendCovariance: nil
        )
        let before = scorer.score(try #require(ProfileInput(record: accumulator.record(for: "c")!, asOfDay: 30)), asOf: DayNumber.date(ofDay: 31))
        accumulator.refund(orderID: "2", customerID: "c", amount: 25)
        let after = scorer.score(try #require(ProfileInput(record: accumulator.record(for: "c")!, asOfDay: 30)), asOf: DayNumber.date(ofDay: 31))
        #expect(before.historicCLV == 100)
        #expect(after.historicCLV == 75)
        #expect(after.totalCLV.value < before.totalCLV.value)
        #expect(after.historicOrders == 2)
    }

    @Test("orders after the as-of day are ignored (holdout calibration)")
    func asOf() throws {
        var accumulator = CustomerSummaryAccumulator()
        for (index, day) in [5, 9, 15, 30, 31].enumerated() {
            accumulator.add(Self.order("\(index)", day: day, value: Decimal(index + 1)))
        }
        let record = try #require(accumulator.record(for: "c"))
        let summary = try #require(record.summary(asOfDay: 15))
        #expect(summary.frequency == 2)
        #expect(summary.recency == 10)
        #expect(summary.monetaryValue == 2.5)
        #expect(record.purchaseDays(after: 15, through: 30) == 1)
        #expect(record.summary(asOfDay: 4) == nil)
    }

    @Test("the account's time zone decides the day")
    func timeZone() throws {
        var accumulator = CustomerSummaryAccumulator(utcOffsetSeconds: -5 * 3600)
        // 02:00 UTC on day 11 is still day 10 in UTC−5, the same day as the first order.
        accumulator.add(Self.order("1", day: 10, value: 5, hour: 12))
        accumulator.add(Self.order("2", day: 11, value: 5, hour: 2))
        #expect(accumulator.record(for: "c")?.purchaseDayCount == 1)
    }
}
