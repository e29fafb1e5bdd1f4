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
    /// ln a of each of those models.
    private let logA: SIMD8<Double>
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
        var logA = SIMD8<Double>()
        for index in 0..<5 { logA[index] = log(self.perturbed[index].parameters.a) }
        self.logA = logA
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

    /// Values of one quantity at the base parameters (lane 0) and at the four perturbed parameter
    /// sets (lanes 1–4); lanes 5–7 are unused. A SIMD vector keeps the five on the stack.
    typealias Lanes = SIMD8<Double>

    private func score(_ input: ProfileInput, asOf: Date, cache: inout AliveExpectationCache) -> ProfilePrediction {
        let summary = input.summary
        let x = summary.frequency
        let xd = Double(x)
        let horizon = self.settings.horizonDays / self.settings.unitInDays

        // E[purchases | alive] (and its logarithm) depends on (x, T) only: shared by many profiles.
        let ifAlive = cache.entry(frequency: x, age: summary.age) {
            var values = Lanes(), logs = Lanes()
            for index in 0..<5 {
                values[index] = self.perturbed[index].expectedPurchasesIfAlive(frequency: x, age: summary.age, horizon: horizon)
                logs[index] = log(values[index])
            }
            return AliveExpectationCache.Entry(values: values, logs: logs)
        }

        // P(alive) through its log odds d: P = 1/(1 + eᵈ), logit P = −d, ln P = −softplus(d).
        // Only lane 2 moves α and only lane 4 moves b, so each logarithm below is taken twice
        // (base and moved), not five times.
        let alwaysAlive = x == 0 && self.purchaseModel.kind == .bgnbd
        let alphas = SIMD2(self.purchaseModel.parameters.alpha, self.perturbed[2].parameters.alpha)
        let logAlphaT = Self.log2(alphas + summary.age)
        let logAlphaTx = Self.log2(alphas + summary.recency)
        let logShiftedB = alwaysAlive ? SIMD2() : Self.log2(SIMD2(self.purchaseModel.parameters.b, self.perturbed[4].parameters.b) + (xd + self.shift - 1))
        var logOdds = Lanes(repeating: -.infinity)
        var alive = Lanes(repeating: 1)
        var logAlive = Lanes()
        var tau = Lanes(repeating: .nan)
        for index in 0..<5 {
            let alphaLane = index == 2 ? 1 : 0
            let k = self.perturbed[index].parameters.r + xd
            if !alwaysAlive {
                let d = self.logA[index] - logShiftedB[index == 4 ? 1 : 0] + k * (logAlphaT[alphaLane] - logAlphaTx[alphaLane])
                let e = exp(-abs(d))
                logOdds[index] = d
                alive[index] = d >= 0 ? e / (1 + e) : 1 / (1 + e)
                logAlive[index] = -(max(d, 0) + log1p(e))
            }
            // Median time to the next purchase (see BGNBDModel.medianTimeToNextPurchase).
            if alive[index] > 0.5 {
                tau[index] = (alphas[alphaLane] + summary.age) * expm1(-log1p(-0.5 / alive[index]) / k)
            }
        }

        let probabilityAlive: Estimate
        if alwaysAlive {
            probabilityAlive = Estimate(value: 1, range: 1...1)
        } else {
            let range = self.purchaseStandardError(-logOdds).map { se in
                SpecialFunctions.logisticOfNegative(logOdds[0] + Self.z90 * se)...SpecialFunctions.logisticOfNegative(logOdds[0] - Self.z90 * se)
            }
            probabilityAlive = Estimate(value: alive[0], range: range)
        }
        let churnProbability = Estimate(value: 1 - alive[0], range: probabilityAlive.range.map { (1 - $0.upperBound)...(1 - $0.lowerBound) })

        // Orders = P(alive) · E[purchases | alive], on the log scale for the range.
        let orders = alive[0] * ifAlive.values[0]
        let logOrders = logAlive + ifAlive.logs
        let ordersStandardError = self.purchaseStandardError(logOrders)
        let predictedOrders = Estimate(value: orders, range: Self.logRange(orders, standardError: ordersStandardError))

        // Order value: Gamma-Gamma with its analytic gradient, or the historic average.
        var orderValue: Double
        var orderValueStandardError: Double?
        if let spend = self.spendModel, let value = spend.expectedAverageValue(frequency: x, meanValue: summary.monetaryValue), value > 0 {
            orderValue = value
            if let covariance = self.spendCovariance, let gradient = spend.expectedAverageValueGradient(frequency: x, meanValue: summary.monetaryValue) {
                orderValueStandardError = covariance.variance(ofGradient: gradient / value).squareRoot()
            }
        } else {
            orderValue = input.historicOrders > 0 ? NSDecimalNumber(decimal: input.historicValue).doubleValue / Double(input.historicOrders) : 0
            orderValueStandardError = nil
        }
        let averageOrderValue = self.money(orderValue, standardError: orderValueStandardError).estimate

        // CLV = orders × value; the fits are independent, so log-scale variances add.
        var clvStandardError: Double?
        if let ordersStandardError, let orderValueStandardError {
            clvStandardError = (ordersStandardError * ordersStandardError + orderValueStandardError * orderValueStandardError).squareRoot()
        }
        let (predictedCLV, predictedMinor) = self.money(orders * orderValue, standardError: clvStandardError)
        let totalCLV = self.total(
            historic: input.historicValue,
            historicMinorUnits: input.historicMinorUnits.scale == self.settings.currencyMinorUnits ? input.historicMinorUnits.value : nil,
            predicted: predictedCLV, predictedMinorUnits: predictedMinor
        )

        // Next order: the median waiting time, with its range on the log scale.
        var expectedNextOrder: DateEstimate?
        if tau[0] > 0 {
            let secondsPerUnit = 86_400 * self.settings.unitInDays
            var dateRange: ClosedRange<Date>?
            var logTau = Lanes()
            for index in 0..<5 { logTau[index] = log(tau[index]) }
            if let range = Self.logRange(tau[0], standardError: self.purchaseStandardError(logTau)) {
                dateRange = ClosedRange(uncheckedBounds: (asOf.addingTimeInterval(range.lowerBound * secondsPerUnit), asOf.addingTimeInterval(range.upperBound * secondsPerUnit)))
            }
            expectedNextOrder = DateEstimate(value: asOf.addingTimeInterval(tau[0] * secondsPerUnit), range: dateRange)
        }

        return ProfilePrediction(
            predictedCLV: predictedCLV,
            historicCLV: input.historicValue,
            totalCLV: totalCLV,
            predictedOrders: predictedOrders,
            historicOrders: input.historicOrders,
            averageOrderValue: averageOrderValue,
            averageDaysBetweenOrders: x > 0 ? summary.recency * self.settings.unitInDays / xd : nil,
            expectedNextOrder: expectedNextOrder,
            probabilityAlive: probabilityAlive,
            churnProbability: churnProbability,
            churnBand: ChurnBand(churnProbability: 1 - alive[0])
        )
    }

    private static func log2(_ values: SIMD2<Double>) -> SIMD2<Double> {
        SIMD2(log(values[0]), log(values[1]))
    }

    /// 0 for BG/NBD, 1 for MBG/NBD (see `PurchaseModelKind.dropoutShift`).
    private var shift: Double { Double(self.purchaseModel.kind.dropoutShift) }

    /// The delta-method standard error of a quantity given at the base and perturbed parameters
    /// (forward-difference gradient, then √(gᵀΣg)); nil without covariance or finite values.
    private func purchaseStandardError(_ values: Lanes) -> Double? {
        guard let covariance = self.purchaseCovariance else { return nil }
        let base = values[0]
        let gradient = SIMD4(values[1] - base, values[2] - base, values[3] - base, values[4] - base) / Self.step
        guard base.isFinite, gradient.sum().isFinite else { return nil }
        return covariance.variance(ofGradient: gradient).squareRoot()
    }

    /// value ·/÷ e^(z₉₀·SE): the 90% range of a positive quantity whose logarithm has this SE.
    static func logRange(_ value: Double, standardError: Double?) -> ClosedRange<Double>? {
        guard let standardError, value > 0, value.isFinite else { return nil }
        let factor = exp(Self.z90 * standardError)
        return (value / factor)...(value * factor)
    }

    /// A money estimate rounded to minor units, and the same amounts as integers of minor units
    /// when they fit (value, low, high), for exact and cheap addition.
    private func money(_ value: Double, standardError: Double?) -> (estimate: MoneyEstimate, minorUnits: SIMD3<Int64>?) {
        let scale = self.settings.currencyMinorUnits
        let range = Self.logRange(value, standardError: standardError)
        if let minor = MoneyRounding.minorUnits(value, minorUnits: scale) {
            let low = range.flatMap { MoneyRounding.minorUnits($0.lowerBound, minorUnits: scale) } ?? minor
            let high = range.flatMap { MoneyRounding.minorUnits($0.upperBound, minorUnits: scale) } ?? minor
            let estimate = MoneyEstimate(
                value: MoneyRounding.decimal(minorUnits: minor, minorUnits: scale),
                range: range == nil ? nil : Self.range(low, high, scale)
            )
            return (estimate, range == nil ? nil : SIMD3(minor, low, high))
        }
        let estimate = MoneyEstimate(
            value: MoneyRounding.decimal(value, minorUnits: scale),
            range: range.map { MoneyRounding.decimal($0.lowerBound, minorUnits: scale)...MoneyRounding.decimal($0.upperBound, minorUnits: scale) }
        )
        return (estimate, nil)
    }

    /// The range low...high of amounts in minor units. Built without `...`'s bounds check, which
    /// compares two `Decimal`s (about 100 ns each): low ≤ high holds by construction, since both
    /// are rounded from value ·/÷ a factor ≥ 1.
    private static func range(_ low: Int64, _ high: Int64, _ scale: Int) -> ClosedRange<Decimal> {
        ClosedRange(uncheckedBounds: (MoneyRounding.decimal(minorUnits: low, minorUnits: scale), MoneyRounding.decimal(minorUnits: high, minorUnits: scale)))
    }

    /// Historic + predicted CLV, exact: in integer minor units when both fit, else in `Decimal`.
    private func total(historic: Decimal, historicMinorUnits: Int64?, predicted: MoneyEstimate, predictedMinorUnits: SIMD3<Int64>?) -> MoneyEstimate {
        let scale = self.settings.currencyMinorUnits
        if let predictedMinorUnits, let historicMinor = historicMinorUnits ?? MoneyRounding.minorUnits(of: historic, minorUnits: scale) {
            let value = predictedMinorUnits[0].addingReportingOverflow(historicMinor)
            let low = predictedMinorUnits[1].addingReportingOverflow(historicMinor)
            let high = predictedMinorUnits[2].addingReportingOverflow(historicMinor)
            if !value.overflow && !low.overflow && !high.overflow {
                return MoneyEstimate(
                    value: MoneyRounding.decimal(minorUnits: value.partialValue, minorUnits: scale),
                    range: Self.range(low.partialValue, high.partialValue, scale)
                )
            }
        }
        return MoneyEstimate(
            value: historic + predicted.value,
            range: predicted.range.map { (historic + $0.lowerBound)...(historic + $0.upperBound) }
        )
    }
}

/// E[purchases | alive] at the base and perturbed parameters, per distinct (x, T).
///
/// With whole-day ages and ordinary frequencies (the usual case) entries live in arrays indexed
/// by x and T, which is several times faster than hashing; other keys go to a dictionary.
struct AliveExpectationCache {
    struct Entry {
        /// The expectation at the base and perturbed parameters (lanes 0–4); lane 7 is 1 once filled.
        var values: SIMD8<Double>
        /// Their logarithms.
        var logs: SIMD8<Double>
    }

    private struct Key: Hashable {
        var frequency: Int
        var age: Double
    }

    private var table: [[Entry]] = []
    private var dictionary: [Key: Entry] = [:]
    private static let empty = Entry(values: .zero, logs: .zero)

    mutating func entry(frequency: Int, age: Double, compute: () -> Entry) -> Entry {
        if frequency < 4_096, let day = Int(exactly: age), day >= 0, day < 100_000 {
            if frequency >= self.table.count {
                self.table.append(contentsOf: repeatElement([], count: frequency + 1 - self.table.count))
            }
            if day >= self.table[frequency].count {
                self.table[frequency].append(contentsOf: repeatElement(Self.empty, count: day + 1 - self.table[frequency].count))
            }
            let cached = self.table[frequency][day]
            if cached.values[7] == 1 { return cached }
            var computed = compute()
            computed.values[7] = 1
            self.table[frequency][day] = computed
            return computed
        }
        let key = Key(frequency: frequency, age: age)
        if let cached = self.dictionary[key] { return cached }
        let computed = compute()
        self.dictionary[key] = computed
        return computed
    }
}
