import Foundation

/// The few special functions the models need, written for stability in log space.
///
/// Likelihoods of buy-till-you-die models multiply gamma and beta functions of arguments that grow
/// with a customer's purchase count; computed directly they overflow long before the data are
/// unusual (Γ(172) is already infinite in `Double`). Everything here therefore works with logarithms.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the C library's `lgamma`, which is accurate over the whole range).
    @inline(__always)
    static func logGamma(_ x: Double) -> Double {
        let value: Double = Foundation.lgamma(x)
        return value
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    @inline(__always)
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The digamma function ψ(x) = d/dx ln Γ(x), for x > 0.
    ///
    /// Shifts x up to at least 10 with ψ(x) = ψ(x + 1) − 1/x, then uses the asymptotic series
    /// ψ(x) ≈ ln x − 1/(2x) − Σ B₂ₖ/(2k x²ᵏ), whose truncation error at x ≥ 10 is below 1e-15.
    static func digamma(_ x: Double) -> Double {
        guard x.isFinite else { return x.isNaN ? .nan : (x > 0 ? .infinity : .nan) }
        guard x > 0 else { return .nan }
        var value = x
        var result = 0.0
        while value < 10 {
            result -= 1 / value
            value += 1
        }
        let inverse = 1 / value
        let inverse2 = inverse * inverse
        // B2/2 = 1/12, B4/4 = -1/120, B6/6 = 1/252, B8/8 = -1/240, B10/10 = 1/132, B12/12 = -691/32760
        let series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132 - inverse2 * 691.0 / 32760)))))
        result += Foundation.log(value) - 0.5 * inverse - series
        return result
    }

    /// ln(eᵃ + eᵇ) without overflow or underflow of the exponentials.
    @inline(__always)
    static func logSumExp(_ a: Double, _ b: Double) -> Double {
        if a == -.infinity { return b }
        if b == -.infinity { return a }
        return a > b ? a + Foundation.log1p(Foundation.exp(b - a)) : b + Foundation.log1p(Foundation.exp(a - b))
    }

    /// 1 / (1 + eˣ), the logistic function of −x, stable for large |x|.
    @inline(__always)
    static func logisticOfNegative(_ x: Double) -> Double {
        if x >= 0 {
            let e = Foundation.exp(-x)
            return e / (1 + e)
        }
        return 1 / (1 + Foundation.exp(x))
    }

    /// (eˣ − 1) / x, which tends to 1 as x → 0; used where a difference of powers is divided by
    /// the exponent's small factor (so the formula has no singularity at that factor's zero).
    @inline(__always)
    static func relativeExpm1(_ x: Double) -> Double {
        if Swift.abs(x) < 1e-8 { return 1 + x / 2 }
        return Foundation.expm1(x) / x
    }
}
