public import Foundation

/// Everything PRODUCT.md 6 shows for one profile. Predictions carry 90% ranges (see `Estimate`
/// for what they cover); historic figures are exact observations and carry none.
public struct ProfilePrediction: Sendable, Hashable {
    /// Expected spend in the prediction horizon: expected orders × expected order value
    /// (undiscounted).
    public var predictedCLV: MoneyEstimate
    /// Value of all past orders net of refunds and returns.
    public var historicCLV: Decimal
    /// Historic plus predicted CLV (the range is the predicted range shifted by the historic value).
    public var totalCLV: MoneyEstimate
    /// Expected number of orders (purchase days) in the horizon.
    public var predictedOrders: Estimate
    /// Past orders, net of cancellations and full refunds.
    public var historicOrders: Int
    /// Expected value of the customer's future orders (Gamma-Gamma); without a spend model, the
    /// customer's historic average with no range.
    public var averageOrderValue: MoneyEstimate
    /// Mean days between the customer's purchase days so far; nil with a single purchase day.
    public var averageDaysBetweenOrders: Double?
    /// The date by which the customer is more likely than not to have ordered again (median time
    /// to the next order, counting the chance of never ordering); nil when that chance is below 50%.
    public var expectedNextOrder: DateEstimate?
    /// Probability that the customer is still active.
    public var probabilityAlive: Estimate
    /// 1 − probabilityAlive.
    public var churnProbability: Estimate
    public var churnBand: ChurnBand
}

/// What the scorer needs to know about one profile.
public struct ProfileInput: Sendable, Hashable {
    /// The model summary as of the scoring time, in the model's time unit.
    public let summary: CustomerSummary
    public let historicValue: Decimal
    public let historicOrders: Int

    /// The historic value in integer minor units of the currency (`scale` decimal places), when it
    /// is a whole number of them: computed once here, so that scoring adds integers instead of
    /// `Decimal`s (whose addition costs hundreds of nanoseconds).
    public let historicMinorUnits: (value: Int64?, scale: Int)

    /// - Parameter currencyMinorUnits: decimal places of the account currency (as in the scorer's settings).
    public init(summary: CustomerSummary, historicValue: Decimal, historicOrders: Int, currencyMinorUnits: Int = 2) {
        self.summary = summary
        self.historicValue = historicValue
        self.historicOrders = historicOrders
        self.historicMinorUnits = (MoneyRounding.minorUnits(of: historicValue, minorUnits: currencyMinorUnits), currencyMinorUnits)
    }

    /// The input for a customer's record at the end of `asOfDay`, or nil if they had no order yet.
    /// (The historic value and order count are the record's current ones.)
    public init?(record: CustomerRecord, asOfDay: Int, unitInDays: Double = 1, currencyMinorUnits: Int = 2) {
        guard let summary = record.summary(asOfDay: asOfDay, unitInDays: unitInDays) else { return nil }
        self.init(summary: summary, historicValue: record.netValue, historicOrders: record.orderCount, currencyMinorUnits: currencyMinorUnits)
    }

    public static func == (lhs: ProfileInput, rhs: ProfileInput) -> Bool {
        lhs.summary == rhs.summary && lhs.historicValue == rhs.historicValue && lhs.historicOrders == rhs.historicOrders
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.summary)
        hasher.combine(self.historicValue)
        hasher.combine(self.historicOrders)
    }
}
