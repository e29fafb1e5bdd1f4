public import Foundation

/// Turns fitted models into per-profile predictions with 90% ranges (PRODUCT.md 6).
///
/// Ranges come from the delta method: the gradient of each prediction with respect to the
/// log-parameters, taken by forward differences (one extra model evaluation per parameter),
/// combined with the parameters' covariance on the log scale of the prediction (logit for
/// probabilities). The purchase and spend models are fitted separately, so their parameter
/// uncertainties are independent and add on the log scale of CLV = orders × order value.
///
/// The expensive part of a prediction, the expected purchases of a live customer, depends only on
/// (x, T), so `scoreAll` computes it once per distinct pair and splits the profiles over the cores.
public struct ProfileScorer: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Prediction horizon in days (PRODUCT.md 6: 365 by default).
        public var horizonDays: Double
        /// Length of the models' time unit in days (1 for Sextant's accounts, 7 for weekly data).
        public var unitInDays: Double
        /// Decimal places of the account currency (2 for EUR and USD, 0 for JPY).
        public var currencyMinorUnits: Int

        public init(horizonDays: Double = 365, unitInDays: Double = 1, currencyMinorUnits: Int = 2) {
            self.horizonDays = horizonDays
            self.unitInDays = unitInDays
            self.currencyMinorUnits = currencyMinorUnits
        }
    }

    public let purchaseModel: BGNBDModel
    public let purchaseCovariance: ParameterCovariance?
    public let spendModel: GammaGammaModel?
    public let spendCovariance: ParameterCovariance?
    public let settings: Settings

    /// The base model and one model per log-parameter moved by `step` (forward differences).
    private let perturbed: [BGNBDModel]
    private static let step = 1e-5
    /// z such that ±z standard deviations hold 90% of a normal distribution.
    static let z90 = 1.6448536269514722

    public init(purchaseModel: BGNBDModel, purchaseCovariance: ParameterCovariance?, spendModel: GammaGammaModel?, spendCovariance: ParameterCovariance?, settings: Settings = Settings()) {
        self.purchaseModel = purchaseModel
        self.purchaseCovariance = purchaseCovariance
        self.spendModel = spendModel
        self.spendCovariance = spendCovariance
        self.settings = settings
        let θ = purchaseModel.parameters.logParameters
        self.perturbed = [purchaseModel] + (0..<4).map { index in
            var moved = θ
            moved[index] += Self.step
            return BGNBDModel(kind: purchaseModel.kind, parameters: BGNBDParameters(logParameters: moved))
        }
    }

    /// A scorer from two fits, or nil if the purchase model has no parameters. A spend fit without
    /// parameters is allowed: order values then fall back to each customer's historic average.
    public init?(purchaseFit: ModelFit<BGNBDParameters>, kind: PurchaseModelKind, spendFit: ModelFit<GammaGammaParameters>?, settings: Settings = Settings()) {
        guard let parameters = purchaseFit.parameters else { return nil }
        self.init(
            purchaseModel: BGNBDModel(kind: kind, parameters: parameters), purchaseCovariance: purchaseFit.covariance,
            spendModel: spendFit?.parameters.map(GammaGammaModel.init(parameters:)), spendCovariance: spendFit?.covariance,
            settings: settings
        )
    }

    /// Predictions for one profile as of `asOf` (the end of the observation in its summary).
    public func score(_ input: ProfileInput, asOf: Date) -> ProfilePrediction {
        var cache = AliveExpectationCache()
        return self.score(input, asOf: asOf, cache: &cache)
    }

    /// Predictions for many profiles, in input order, using every core.
    public func scoreAll(_ inputs: [ProfileInput], asOf: Date) -> [ProfilePrediction] {
        guard !inputs.isEmpty else { return [] }
        let chunks = min(ProcessInfo.processInfo.activeProcessorCount, max(1, inputs.count / 10_000))
        let chunkSize = (inputs.count + chunks - 1) / chunks
        return [ProfilePrediction](unsafeUninitializedCapacity: inputs.count) { buffer, initialized in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var cache = AliveExpectationCache()
                let range = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, inputs.count)
                for index in range {
                    (output.baseAddress! + index).initialize(to: self.score(inputs[index], asOf: asOf, cache: &cache))
                }
            }
            initialized = inputs.count
        }
    }

    // MARK: One profile

    private func score(_ input: ProfileInput, asOf: Date, cache: inout AliveExpectationCache) -> ProfilePrediction {
        let summary = input.summary
        let x = summary.frequency
        let horizon = self.settings.horizonDays / self.settings.unitInDays

        // Purchase model at the base parameters and at each perturbation.
        let ifAlive = cache.values(frequency: x, age: summary.age) {
            self.perturbed.map { $0.expectedPurchasesIfAlive(frequency: x, age: summary.age, horizon: horizon) }
        }
        var alive = [Double](repeating: 0, count: 5)
        var orders = [Double](repeating: 0, count: 5)
        var nextOrder = [Double?](repeating: nil, count: 5)
        for index in 0..<5 {
            alive[index] = self.perturbed[index].probabilityAlive(frequency: x, recency: summary.recency, age: summary.age)
            orders[index] = alive[index] * ifAlive[index]
            nextOrder[index] = self.perturbed[index].medianTimeToNextPurchase(frequency: x, recency: summary.recency, age: summary.age)
        }

        // Probability alive: delta method on the logit scale (P = 1 exactly carries no uncertainty).
        let logitAlive = alive.map { Self.logit($0) }
        let aliveRange = self.range(logScaleValues: logitAlive, transform: SpecialFunctions.logisticOfNegative(_:), negate: true)
        let probabilityAlive = Estimate(value: alive[0], range: alive[0] >= 1 ? 1...1 : aliveRange)
        let churnProbability = Estimate(value: 1 - alive[0], range: probabilityAlive.range.map { (1 - $0.upperBound)...(1 - $0.lowerBound) })

        // Orders: log scale.
        let logOrders = orders.map { log($0) }
        let ordersVariance = self.purchaseVariance(logOrders)
        let predictedOrders = Estimate(value: orders[0], range: Self.logRange(orders[0], variance: ordersVariance))

        // Order value: Gamma-Gamma with its analytic gradient, or the historic average.
        var orderValue: Double
        var orderValueLogVariance: Double?
        if let spend = self.spendModel, let value = spend.expectedAverageValue(frequency: x, meanValue: summary.monetaryValue), value > 0 {
            orderValue = value
            if let covariance = self.spendCovariance, let gradient = spend.expectedAverageValueGradient(frequency: x, meanValue: summary.monetaryValue) {
                orderValueLogVariance = covariance.variance(ofGradient: gradient.map { $0 / value })
            }
        } else {
            orderValue = input.historicOrders > 0 ? NSDecimalNumber(decimal: input.historicValue).doubleValue / Double(input.historicOrders) : 0
            orderValueLogVariance = nil
        }
        let averageOrderValue = self.money(orderValue, variance: orderValueLogVariance)

        // CLV = orders × value; independent fits, so log-scale variances add.
        let clv = orders[0] * orderValue
        var clvVariance: Double?
        if let ordersVariance, let orderValueLogVariance { clvVariance = ordersVariance + orderValueLogVariance }
        let predictedCLV = self.money(clv, variance: clvVariance)
        let totalCLV = MoneyEstimate(
            value: input.historicValue + predictedCLV.value,
            range: predictedCLV.range.map { (input.historicValue + $0.lowerBound)...(input.historicValue + $0.upperBound) }
        )

        // Next order: median waiting time on the log scale.
        var expectedNextOrder: DateEstimate?
        if let tau = nextOrder[0], tau > 0 {
            let secondsPerUnit = 86_400 * self.settings.unitInDays
            let date = asOf.addingTimeInterval(tau * secondsPerUnit)
            var dateRange: ClosedRange<Date>?
            if nextOrder.allSatisfy({ ($0 ?? 0) > 0 }), let variance = self.purchaseVariance(nextOrder.map { log($0!) }),
               let range = Self.logRange(tau, variance: variance) {
                dateRange = asOf.addingTimeInterval(range.lowerBound * secondsPerUnit)...asOf.addingTimeInterval(range.upperBound * secondsPerUnit)
            }
            expectedNextOrder = DateEstimate(value: date, range: dateRange)
        }

        return ProfilePrediction(
            predictedCLV: predictedCLV,
            historicCLV: input.historicValue,
            totalCLV: totalCLV,
            predictedOrders: predictedOrders,
            historicOrders: input.historicOrders,
            averageOrderValue: averageOrderValue,
            averageDaysBetweenOrders: x > 0 ? summary.recency * self.settings.unitInDays / Double(x) : nil,
            expectedNextOrder: expectedNextOrder,
            probabilityAlive: probabilityAlive,
            churnProbability: churnProbability,
            churnBand: ChurnBand(churnProbability: 1 - alive[0])
        )
    }

    /// gᵀΣg for the forward-difference gradient of a log-scale (or logit-scale) quantity given at
    /// the base and the four perturbed parameter sets; nil without covariance or finite values.
    private func purchaseVariance(_ values: [Double]) -> Double? {
        guard let covariance = self.purchaseCovariance, values.allSatisfy(\.isFinite) else { return nil }
        let gradient = (1..<5).map { (values[$0] - values[0]) / Self.step }
        return covariance.variance(ofGradient: gradient)
    }

    private func range(logScaleValues values: [Double], transform: (Double) -> Double, negate: Bool) -> ClosedRange<Double>? {
        guard let variance = self.purchaseVariance(values) else { return nil }
        let half = Self.z90 * variance.squareRoot()
        let low = transform(negate ? -(values[0] - half) : values[0] - half)
        let high = transform(negate ? -(values[0] + half) : values[0] + half)
        return min(low, high)...max(low, high)
    }

    static func logRange(_ value: Double, variance: Double?) -> ClosedRange<Double>? {
        guard let variance, value > 0, value.isFinite else { return nil }
        let factor = exp(Self.z90 * variance.squareRoot())
        return (value / factor)...(value * factor)
    }

    private func money(_ value: Double, variance: Double?) -> MoneyEstimate {
        let minorUnits = self.settings.currencyMinorUnits
        let range = Self.logRange(value, variance: variance).map {
            MoneyRounding.decimal($0.lowerBound, minorUnits: minorUnits)...MoneyRounding.decimal($0.upperBound, minorUnits: minorUnits)
        }
        return MoneyEstimate(value: MoneyRounding.decimal(value, minorUnits: minorUnits), range: range)
    }

    static func logit(_ p: Double) -> Double {
        log(p) - log1p(-p)
    }
}

/// E[purchases | alive] at the base and perturbed parameters, per distinct (x, T).
struct AliveExpectationCache {
    private struct Key: Hashable {
        var frequency: Int
        var age: Double
    }

    private var values: [Key: [Double]] = [:]

    mutating func values(frequency: Int, age: Double, compute: () -> [Double]) -> [Double] {
        let key = Key(frequency: frequency, age: age)
        if let cached = self.values[key] { return cached }
        let computed = compute()
        self.values[key] = computed
        return computed
    }
}
