public import Foundation

/// Keeps every customer's `CustomerRecord` up to date as orders, cancellations and refunds
/// arrive, so the summaries the models need are always current without rescanning events.
///
/// Cancelled, refunded and zero-value orders are never counted (PRODUCT.md 6); a later refund or
/// cancellation of a counted order lowers the customer's historic CLV and, when it removes the
/// whole order, the historic order count.
public struct CustomerSummaryAccumulator: Sendable {
    public private(set) var records: [String: CustomerRecord] = [:]
    /// The account's time zone offset, which decides on which calendar day an order falls.
    public let utcOffsetSeconds: Int

    /// Whether zero-value orders count as purchases. Off for Sextant's accounts (PRODUCT.md 6:
    /// free orders are not purchases); on only to reproduce published data sets whose authors
    /// counted every transaction, such as the CDNOW sample, where 8 customers' first purchase is $0.
    public let countsZeroValueOrders: Bool

    public init(utcOffsetSeconds: Int = 0, countsZeroValueOrders: Bool = false) {
        self.utcOffsetSeconds = utcOffsetSeconds
        self.countsZeroValueOrders = countsZeroValueOrders
    }

    /// Records an order. Returns whether it was counted (placed, positive value, not a duplicate).
    @discardableResult
    public mutating func add(_ order: OrderEvent) -> Bool {
        guard order.counts || (self.countsZeroValueOrders && order.status == .placed && order.value == 0) else { return false }
        let day = DayNumber.of(order.date, utcOffsetSeconds: self.utcOffsetSeconds)
        return self.records[order.customerID, default: CustomerRecord(customerID: order.customerID)]
            .add(orderID: order.orderID, day: day, value: order.value)
    }

    /// Refunds `amount` of an order (nil: all of it). Returns whether a counted order was found.
    @discardableResult
    public mutating func refund(orderID: String, customerID: String, amount: Decimal? = nil) -> Bool {
        guard self.records[customerID] != nil else { return false }
        let applied = self.records[customerID]!.refund(orderID: orderID, amount: amount)
        if self.records[customerID]!.orderCount == 0 { self.records[customerID] = nil }
        return applied
    }

    /// Removes a cancelled order entirely.
    @discardableResult
    public mutating func cancel(orderID: String, customerID: String) -> Bool {
        self.refund(orderID: orderID, customerID: customerID, amount: nil)
    }

    public func record(for customerID: String) -> CustomerRecord? {
        self.records[customerID]
    }

    /// Every customer's summary at the end of `asOfDay`, in units of `unitInDays` days.
    public func summaries(asOfDay: Int, unitInDays: Double = 1) -> [String: CustomerSummary] {
        var result: [String: CustomerSummary] = [:]
        result.reserveCapacity(self.records.count)
        for (id, record) in self.records {
            if let summary = record.summary(asOfDay: asOfDay, unitInDays: unitInDays) { result[id] = summary }
        }
        return result
    }
}
