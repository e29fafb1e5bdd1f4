public import Foundation

/// A prediction with its 90% range.
///
/// What the range covers: the uncertainty of the fitted model parameters only (their asymptotic
/// normal distribution from the inverse observed information, carried to the prediction by the
/// delta method on a scale where the prediction is unbounded: log for counts, money and times,
/// logit for probabilities). It is *not* a range for what this customer will actually do: a
/// customer expected to place 0.4 orders will place 0, 1 or 2, and that randomness is not in
/// the range. It answers "how sure is the model of this expectation", which shrinks as the
/// account's data grow. `range` is nil when the fit produced no covariance (the fit's status and
/// `covarianceProblem` say why).
public struct Estimate: Sendable, Hashable {
    public var value: Double
    public var range: ClosedRange<Double>?

    public init(value: Double, range: ClosedRange<Double>?) {
        self.value = value
        self.range = range
    }
}

/// A money prediction, exact in the currency's minor units, with its 90% range (see `Estimate`).
public struct MoneyEstimate: Sendable, Hashable {
    public var value: Decimal
    public var range: ClosedRange<Decimal>?

    public init(value: Decimal, range: ClosedRange<Decimal>?) {
        self.value = value
        self.range = range
    }
}

/// A predicted date with its 90% range (see `Estimate`).
public struct DateEstimate: Sendable, Hashable {
    public var value: Date
    public var range: ClosedRange<Date>?

    public init(value: Date, range: ClosedRange<Date>?) {
        self.value = value
        self.range = range
    }
}

/// The churn band of PRODUCT.md 6.
public enum ChurnBand: String, Sendable, Hashable, CaseIterable {
    /// Churn probability below 33%.
    case low
    /// 33% to 66%.
    case medium
    /// Above 66%.
    case high

    public init(churnProbability: Double) {
        if churnProbability < 0.33 {
            self = .low
        } else if churnProbability <= 0.66 {
            self = .medium
        } else {
            self = .high
        }
    }
}

/// Rounds model outputs (Doubles) to exact amounts in a currency's minor units.
public enum MoneyRounding {
    /// `value` rounded half away from zero to `minorUnits` decimal places, as a `Decimal`.
    public static func decimal(_ value: Double, minorUnits: Int) -> Decimal {
        guard value.isFinite else { return 0 }
        let scaled = (value * Self.powerOfTen(minorUnits)).rounded(.toNearestOrAwayFromZero)
        if abs(scaled) < 9e15 {
            return Decimal(sign: scaled < 0 ? .minus : .plus, exponent: -minorUnits, significand: Decimal(UInt64(abs(scaled))))
        }
        // Beyond 2^53 minor units a Double has no cents left to round; keep its integer digits.
        return Decimal(sign: scaled < 0 ? .minus : .plus, exponent: -minorUnits, significand: Decimal(abs(scaled)))
    }

    /// `value` rounded to an integer number of minor units, or nil beyond ±9·10¹⁵ (where a
    /// `Double` has no cents left) or for non-finite values.
    static func minorUnits(_ value: Double, minorUnits: Int) -> Int64? {
        let scaled = (value * Self.powerOfTen(minorUnits)).rounded(.toNearestOrAwayFromZero)
        guard scaled.isFinite, abs(scaled) < 9e15 else { return nil }
        return Int64(scaled)
    }

    /// The exact number of minor units in `amount`, or nil if it has more decimal places than the
    /// currency or does not fit 64 bits. Far cheaper to add than `Decimal`s (which cost hundreds
    /// of nanoseconds per addition), so the scorer adds historic and predicted money this way.
    static func minorUnits(of amount: Decimal, minorUnits: Int) -> Int64? {
        guard amount.isFinite else { return nil }
        let shift = amount.exponent + minorUnits
        guard shift >= 0, shift <= 18 else { return amount.isZero ? 0 : nil }
        let significand = NSDecimalNumber(decimal: amount.significand)
        guard significand.compare(NSDecimalNumber(value: Int64.max)) == .orderedAscending else { return nil }
        var value = significand.int64Value
        for _ in 0..<shift {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product
        }
        return amount.sign == .minus ? -value : value
    }

    /// The `Decimal` of an integer number of minor units.
    static func decimal(minorUnits value: Int64, minorUnits: Int) -> Decimal {
        Decimal(sign: value < 0 ? .minus : .plus, exponent: -minorUnits, significand: Decimal(value.magnitude))
    }

    static func powerOfTen(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(exponent, 0) { result *= 10 }
        return result
    }
}
