public import Foundation

/// One customer's counted orders, kept so that each new order or refund updates the customer's
/// summary in constant time (no rescan of the event history).
///
/// Orders are grouped by calendar day because the models count repeat purchases per day. A
/// refund lowers the refunded order's value; a full refund (or a cancellation) removes the order,
/// which lowers the historic order count too.
public struct CustomerRecord: Sendable {
    public let customerID: String

    /// Live orders: order id → (day, current value after partial refunds).
    private var orders: [String: (day: Int, value: Decimal)] = [:]
    /// Per purchase day: number of live orders and their total value.
    private var days: [Int: (orders: Int, value: Decimal)] = [:]

    /// First and last purchase day (nil without orders).
    public private(set) var firstDay: Int?
    public private(set) var lastDay: Int?
    /// Historic CLV: the value of all orders net of refunds, exact.
    public private(set) var netValue: Decimal = 0

    public init(customerID: String) {
        self.customerID = customerID
    }

    /// Historic number of orders, net of cancellations and full refunds.
    public var orderCount: Int { self.orders.count }
    /// Days with at least one live order.
    public var purchaseDayCount: Int { self.days.count }

    /// Adds a counted order on `day`. Returns false (and changes nothing) for an order id already
    /// present or a negative value. (Zero-value orders are filtered by the accumulator's policy.)
    @discardableResult
    mutating func add(orderID: String, day: Int, value: Decimal) -> Bool {
        guard value >= 0, self.orders[orderID] == nil else { return false }
        self.orders[orderID] = (day, value)
        self.days[day, default: (0, 0)].orders += 1
        self.days[day]!.value += value
        self.netValue += value
        if self.firstDay.map({ day < $0 }) ?? true { self.firstDay = day }
        if self.lastDay.map({ day > $0 }) ?? true { self.lastDay = day }
        return true
    }

    /// Lowers an order's value by `amount` (nil: the whole order). An order whose value reaches
    /// zero is removed. Returns false if the order is unknown or the amount negative.
    @discardableResult
    mutating func refund(orderID: String, amount: Decimal?) -> Bool {
        guard let order = self.orders[orderID], (amount ?? 0) >= 0 else { return false }
        let reduction = min(amount ?? order.value, order.value)
        guard reduction > 0 || order.value == 0 else { return false }
        self.netValue -= reduction
        self.days[order.day]!.value -= reduction
        if reduction == order.value {
            self.orders[orderID] = nil
            self.days[order.day]!.orders -= 1
            if self.days[order.day]!.orders == 0 {
                self.days[order.day] = nil
                // Only when a boundary day empties does this customer's own day list get scanned.
                if order.day == self.firstDay { self.firstDay = self.days.keys.min() }
                if order.day == self.lastDay { self.lastDay = self.days.keys.max() }
            }
        } else {
            self.orders[orderID]!.value -= reduction
        }
        return true
    }

    /// The model's summary at the end of day `asOfDay` in units of `unitInDays` days, or nil if
    /// the customer had no order by then. Orders after `asOfDay` are ignored (for holdout checks).
    public func summary(asOfDay: Int, unitInDays: Double = 1) -> CustomerSummary? {
        guard let first = self.firstDay, first <= asOfDay else { return nil }
        var repeatDays = self.days.count - 1
        var last = self.lastDay ?? first
        var repeatValue = self.netValue - self.days[first]!.value
        if last > asOfDay {
            repeatDays = 0
            last = first
            repeatValue = 0
            for (day, totals) in self.days where day > first && day <= asOfDay {
                repeatDays += 1
                repeatValue += totals.value
                last = max(last, day)
            }
        }
        let mean = repeatDays > 0 ? NSDecimalNumber(decimal: repeatValue).doubleValue / Double(repeatDays) : 0
        return CustomerSummary(
            frequency: repeatDays,
            recency: Double(last - first) / unitInDays,
            age: Double(asOfDay - first) / unitInDays,
            monetaryValue: mean
        )
    }

    /// Number of purchase days in (`after`, `through`]: the actual repeat purchases in a holdout period.
    public func purchaseDays(after: Int, through: Int) -> Int {
        self.days.keys.reduce(0) { $0 + ($1 > after && $1 <= through ? 1 : 0) }
    }

    /// Number of orders placed on or before `day` (net of refunds).
    public func orderCount(through day: Int) -> Int {
        self.days.reduce(0) { $0 + ($1.key <= day ? $1.value.orders : 0) }
    }
}
