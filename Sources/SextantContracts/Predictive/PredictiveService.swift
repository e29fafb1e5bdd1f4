public import Foundation
public import SextantRPC

/// predictive-service: predicted customer lifetime value (PRODUCT.md 6), from the orders in the
/// ingest log. Days are local days of the account's time zone, `YYYY-MM-DD`; money is integer
/// minor units of the account's currency; every prediction carries its 90% range (the model
/// parameters' uncertainty only, see proto-spec/predictive.md).
public enum PredictiveService {
    public static let serviceName = "sextant.predictive.v1.Predictive"

    static let readers = CallerPolicy.only(.gateway, .admin)

    /// The account's eligibility and, once fitted, its model card.
    public static let status = RPCMethod<AccountRef, PredictiveStatus>(
        service: serviceName, method: "Status", kind: .unary, allowedCallers: readers)
    /// Fits the account's model now (it is also fitted at start and daily) and answers the status.
    public static let fit = RPCMethod<AccountRef, PredictiveStatus>(
        service: serviceName, method: "Fit", kind: .unary, allowedCallers: readers)
    /// One profile's predictions, from its orders as stored now and the account's current model.
    public static let profile = RPCMethod<ProfileCLVRequest, ProfileCLV>(
        service: serviceName, method: "Profile", kind: .unary, allowedCallers: readers)
    /// The account's CLV settings: conversion metric and horizon.
    public static let settings = RPCMethod<AccountRef, CLVSettings>(
        service: serviceName, method: "Settings", kind: .unary, allowedCallers: readers)
    /// Changes the conversion metric and/or the horizon. A new conversion metric re-reads the
    /// account's log (``PredictiveStatus/rebuilding``), then refits; a new horizon refits at once.
    public static let updateSettings = RPCMethod<UpdateCLVSettingsRequest, CLVSettings>(
        service: serviceName, method: "UpdateSettings", kind: .unary, allowedCallers: readers)
    /// How far predictive-service has read the ingest log.
    public static let progress = LogConsumerProgress.method(service: serviceName)
}

/// A value with its 90% range (absent when the fit gave no covariance).
public struct RangedValue: Codable, Sendable, Hashable {
    public var value: Double
    public var low: Double?
    public var high: Double?

    public init(value: Double, low: Double?, high: Double?) {
        self.value = value
        self.low = low
        self.high = high
    }

    enum CodingKeys: Int, CodingKey { case value = 1, low, high }
}

/// Money in minor units with its 90% range.
public struct RangedMoney: Codable, Sendable, Hashable {
    public var minor: Int64
    public var lowMinor: Int64?
    public var highMinor: Int64?

    public init(minor: Int64, lowMinor: Int64?, highMinor: Int64?) {
        self.minor = minor
        self.lowMinor = lowMinor
        self.highMinor = highMinor
    }

    enum CodingKeys: Int, CodingKey { case minor = 1, lowMinor, highMinor }
}

/// One fitted parameter.
public struct ModelParameter: Codable, Sendable, Hashable {
    /// "r", "alpha", "a", "b" (purchase model); "p", "q", "gamma" (spend model).
    public var name: String
    public var value: Double
    public var standardError: Double?

    public init(name: String, value: Double, standardError: Double?) {
        self.name = name
        self.value = value
        self.standardError = standardError
    }

    enum CodingKeys: Int, CodingKey { case name = 1, value, standardError }
}

/// One of the model card's five example profiles.
public struct ExampleProfile: Codable, Sendable, Hashable {
    /// 1…5, PRODUCT.md 6's rules in order.
    public var rule: UInt8
    /// The rule in words, e.g. "more than 3 orders, the last within 90 days".
    public var description: String
    public var profileID: UInt64

    public init(rule: UInt8, description: String, profileID: UInt64) {
        self.rule = rule
        self.description = description
        self.profileID = profileID
    }

    enum CodingKeys: Int, CodingKey { case rule = 1, description, profileID }
}

/// How many customers fall in one range of predicted CLV.
public struct CLVBucket: Codable, Sendable, Hashable {
    /// Lower bound, inclusive, in minor units.
    public var fromMinor: Int64
    /// Upper bound, exclusive; absent for the last bucket.
    public var toMinor: Int64?
    public var customers: UInt64

    public init(fromMinor: Int64, toMinor: Int64?, customers: UInt64) {
        self.fromMinor = fromMinor
        self.toMinor = toMinor
        self.customers = customers
    }

    enum CodingKeys: Int, CodingKey { case fromMinor = 1, toMinor, customers }
}

/// What the account's current model is and how well it did.
public struct ModelCard: Codable, Sendable, Hashable {
    public var fittedAt: Date
    /// The historical range: the first and last day of the orders it was fitted on.
    public var historyFirstDay: String
    public var historyLastDay: String
    /// The prediction range: how many days after the day a profile's prediction is asked for it
    /// covers.
    public var horizonDays: UInt32
    /// "bgnbd" or "modified-bgnbd" (which one judged one-time buyers better on the holdout).
    public var purchaseModel: String
    /// Why that model was chosen (the holdout errors of both).
    public var choiceReason: String
    /// The purchase fit's status ("converged", or why it stopped early).
    public var fitStatus: String
    public var logLikelihood: Double?
    public var spendFitStatus: String
    public var parameters: [ModelParameter]
    /// Customers (with counted orders) the model was fitted on, and those with repeat purchases.
    public var customers: UInt64
    public var repeatCustomers: UInt64
    /// Holdout check: the model fitted up to `holdoutDays` before the last day predicted the
    /// repeat purchase days of those days; mean absolute error per customer and the totals.
    public var holdoutDays: UInt32
    public var holdoutMeanAbsoluteError: Double?
    public var holdoutPredictedTotal: Double?
    public var holdoutActualTotal: Int64
    public var examples: [ExampleProfile]
    /// Every customer with orders, scored at the fit: predicted CLV by bucket, and the number in
    /// each churn band (low, medium, high).
    public var clvBuckets: [CLVBucket] = []
    public var churnBands: [UInt64] = []
    /// The conversion metric whose events were the orders ("Placed Order" or a custom metric's name).
    public var conversionMetric: String?

    public init(
        fittedAt: Date, historyFirstDay: String, historyLastDay: String, horizonDays: UInt32, purchaseModel: String, choiceReason: String,
        fitStatus: String, logLikelihood: Double?, spendFitStatus: String, parameters: [ModelParameter], customers: UInt64,
        repeatCustomers: UInt64, holdoutDays: UInt32, holdoutMeanAbsoluteError: Double?, holdoutPredictedTotal: Double?,
        holdoutActualTotal: Int64, examples: [ExampleProfile]
    ) {
        self.fittedAt = fittedAt
        self.historyFirstDay = historyFirstDay
        self.historyLastDay = historyLastDay
        self.horizonDays = horizonDays
        self.purchaseModel = purchaseModel
        self.choiceReason = choiceReason
        self.fitStatus = fitStatus
        self.logLikelihood = logLikelihood
        self.spendFitStatus = spendFitStatus
        self.parameters = parameters
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.holdoutDays = holdoutDays
        self.holdoutMeanAbsoluteError = holdoutMeanAbsoluteError
        self.holdoutPredictedTotal = holdoutPredictedTotal
        self.holdoutActualTotal = holdoutActualTotal
        self.examples = examples
    }

    enum CodingKeys: Int, CodingKey {
        case fittedAt = 1, historyFirstDay, historyLastDay, horizonDays, purchaseModel, choiceReason, fitStatus, logLikelihood
        case spendFitStatus, parameters, customers, repeatCustomers, holdoutDays, holdoutMeanAbsoluteError, holdoutPredictedTotal
        case holdoutActualTotal, examples, clvBuckets, churnBands, conversionMetric
    }
}

/// An account's predictive state: eligible or what is missing, and the model card once fitted.
public struct PredictiveStatus: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var eligible: Bool
    /// Each unmet requirement in words ("412 customers with orders; at least 500 are needed").
    public var missing: [String]
    public var customersWithOrders: UInt64
    public var firstOrderDay: String?
    public var lastOrderDay: String?
    /// Absent until an eligible account's first fit.
    public var model: ModelCard?
    /// The account's currency: the model card's money is in its minor units.
    public var currency: String
    /// The conversion metric and horizon the next fit uses (absent from older services).
    public var settings: CLVSettings?
    /// The last fit, when it failed: the model (if any) is older than that attempt.
    public var lastFitFailure: FitFailure?
    /// Set while a new conversion metric's orders are re-read from the log: the account has no
    /// model and is not eligible until that ends.
    public var rebuilding: RebuildProgress?

    public init(
        accountID: UInt64, eligible: Bool, missing: [String], customersWithOrders: UInt64, firstOrderDay: String?, lastOrderDay: String?,
        model: ModelCard?, currency: String
    ) {
        self.accountID = accountID
        self.eligible = eligible
        self.missing = missing
        self.customersWithOrders = customersWithOrders
        self.firstOrderDay = firstOrderDay
        self.lastOrderDay = lastOrderDay
        self.model = model
        self.currency = currency
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, eligible, missing, customersWithOrders, firstOrderDay, lastOrderDay, model, currency, settings, lastFitFailure
        case rebuilding
    }
}

/// An account's CLV settings (PRODUCT.md 6). Both can be changed; predicted CLV as a whole needs
/// Marketing Analytics.
public struct CLVSettings: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// The custom metric whose events are the orders; nil: `Placed Order`.
    public var conversionMetricID: UInt64?
    /// The conversion metric's name ("Placed Order" or the custom metric's).
    public var conversionMetricName: String
    /// Days the predictions cover (``minimumHorizonDays``…``maximumHorizonDays``; default 365).
    public var horizonDays: UInt32

    public static let defaultHorizonDays: UInt32 = 365
    public static let minimumHorizonDays: UInt32 = 30
    public static let maximumHorizonDays: UInt32 = 1_095

    public init(accountID: UInt64, conversionMetricID: UInt64?, conversionMetricName: String, horizonDays: UInt32) {
        self.accountID = accountID
        self.conversionMetricID = conversionMetricID
        self.conversionMetricName = conversionMetricName
        self.horizonDays = horizonDays
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, conversionMetricID, conversionMetricName, horizonDays }
}

/// Changes an account's CLV settings; an absent field keeps its value.
public struct UpdateCLVSettingsRequest: Codable, Sendable, Hashable {
    public enum ConversionMetric: Codable, Sendable, Hashable {
        /// `Placed Order` (the default).
        case placedOrder
        /// A custom metric of the account that measures revenue (aggregation `value`).
        case custom(id: UInt64)

        enum CodingKeys: Int, CodingKey { case placedOrder = 1, custom }
        enum CustomCodingKeys: Int, CodingKey { case id = 1 }
    }

    public var accountID: UInt64
    public var conversionMetric: ConversionMetric?
    public var horizonDays: UInt32?

    public init(accountID: UInt64, conversionMetric: ConversionMetric? = nil, horizonDays: UInt32? = nil) {
        self.accountID = accountID
        self.conversionMetric = conversionMetric
        self.horizonDays = horizonDays
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, conversionMetric, horizonDays }
}

/// A fit that failed: when, and why.
public struct FitFailure: Codable, Sendable, Hashable {
    public var at: Date
    public var reason: String

    public init(at: Date, reason: String) {
        self.at = at
        self.reason = reason
    }

    enum CodingKeys: Int, CodingKey { case at = 1, reason }
}

/// How far the re-reading of an account's log for a new conversion metric has come.
public struct RebuildProgress: Codable, Sendable, Hashable {
    /// The last log position re-read so far, and the position it must reach.
    public var readThrough: UInt64
    public var target: UInt64

    public init(readThrough: UInt64, target: UInt64) {
        self.readThrough = readThrough
        self.target = target
    }

    enum CodingKeys: Int, CodingKey { case readThrough = 1, target }
}

public struct ProfileCLVRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var profileID: UInt64

    public init(accountID: UInt64, profileID: UInt64) {
        self.accountID = accountID
        self.profileID = profileID
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, profileID }
}

/// One profile's CLV (PRODUCT.md 6). Historic figures are exact; predictions need a model
/// (`predicted` is false and they are absent while the account has none, e.g. not eligible).
public struct ProfileCLV: Codable, Sendable, Hashable {
    public var accountID: UInt64
    /// The profile asked for (its survivor when it was merged).
    public var profileID: UInt64
    public var currency: String
    /// Orders net of cancellations and refunds, and their value.
    public var historicOrders: UInt64
    public var historicCLVMinor: Int64
    public var firstOrderDay: String?
    public var lastOrderDay: String?
    public var predicted: Bool
    public var horizonDays: UInt32
    public var predictedCLV: RangedMoney?
    public var totalCLV: RangedMoney?
    public var predictedOrders: RangedValue?
    public var averageOrderValue: RangedMoney?
    /// Absent with a single order.
    public var averageDaysBetweenOrders: Double?
    public var expectedNextOrder: Date?
    public var expectedNextOrderLow: Date?
    public var expectedNextOrderHigh: Date?
    public var probabilityAlive: RangedValue?
    public var churnProbability: RangedValue?
    /// "low" (< 33%), "medium" (33–66%), "high" (> 66%).
    public var churnBand: String?

    public init(
        accountID: UInt64, profileID: UInt64, currency: String, historicOrders: UInt64, historicCLVMinor: Int64, firstOrderDay: String?,
        lastOrderDay: String?, predicted: Bool, horizonDays: UInt32
    ) {
        self.accountID = accountID
        self.profileID = profileID
        self.currency = currency
        self.historicOrders = historicOrders
        self.historicCLVMinor = historicCLVMinor
        self.firstOrderDay = firstOrderDay
        self.lastOrderDay = lastOrderDay
        self.predicted = predicted
        self.horizonDays = horizonDays
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, profileID, currency, historicOrders, historicCLVMinor, firstOrderDay, lastOrderDay, predicted, horizonDays
        case predictedCLV, totalCLV, predictedOrders, averageOrderValue, averageDaysBetweenOrders, expectedNextOrder
        case expectedNextOrderLow, expectedNextOrderHigh, probabilityAlive, churnProbability, churnBand
    }
}
