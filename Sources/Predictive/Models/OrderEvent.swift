public import Foundation

/// One order as the CLV models see it: who, when, how much, and whether it counts.
public struct OrderEvent: Sendable, Hashable {
    /// Orders that never became a purchase are left out of every CLV figure (PRODUCT.md 6).
    public enum Status: String, Sendable, Hashable {
        case placed
        case cancelled
        case refunded
    }

    public var orderID: String
    public var customerID: String
    public var date: Date
    /// The order's value in the account's currency, exact.
    public var value: Decimal
    public var status: Status

    public init(orderID: String, customerID: String, date: Date, value: Decimal, status: Status = .placed) {
        self.orderID = orderID
        self.customerID = customerID
        self.date = date
        self.value = value
        self.status = status
    }

    /// Whether the order counts as a purchase: placed, with a positive value.
    public var counts: Bool {
        self.status == .placed && self.value > 0
    }
}

/// Calendar days as integers, so that "repeat purchases counted per day" and "days of history"
/// are plain integer arithmetic.
public enum DayNumber {
    /// Days since 1970-01-01 in the time zone `utcOffsetSeconds` east of UTC (the account's zone).
    public static func of(_ date: Date, utcOffsetSeconds: Int = 0) -> Int {
        Int(((date.timeIntervalSince1970 + Double(utcOffsetSeconds)) / 86_400).rounded(.down))
    }

    /// Midnight (in the offset's zone) that starts the given day.
    public static func date(ofDay day: Int, utcOffsetSeconds: Int = 0) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400 - Double(utcOffsetSeconds))
    }
}
