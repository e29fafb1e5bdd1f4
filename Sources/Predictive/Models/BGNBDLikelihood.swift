import Foundation

/// The log-likelihood of BG/NBD or MBG/NBD over grouped customer summaries, with its gradient
/// with respect to the log-parameters (ln r, ln α, ln a, ln b).
///
/// For one customer (x, t_x, T), with s = 0 for BG/NBD and s = 1 for MBG/NBD:
///
///     L = B(a, b+x+s)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+T)^(r+x))
///       + [x > 0 or s = 1] · B(a+1, b+x+s−1)/B(a, b) · Γ(r+x) αʳ / (Γ(r) (α+t_x)^(r+x))
///
/// (Fader, Hardie & Lee 2005, eq. 6; Batislam et al. 2007). Written as
/// ln L = A₁ + A₂ + ln(e^A₃ + e^A₄) with
///
///     A₁ = ln Γ(r+x) − ln Γ(r) + r ln α
///     A₂ = ln Γ(a+b) + ln Γ(b+x+s) − ln Γ(b) − ln Γ(a+b+x+s)
///     A₃ = −(r+x) ln(α+T)
///     A₄ = ln a − ln(b+x+s−1) − (r+x) ln(α+t_x)
///
/// every term stays finite for any frequency and age, and the sum of the two exponentials is a
/// log-sum-exp. The gradient differentiates these terms directly (digamma for the gamma
/// functions; the weights e^A₃ and e^A₄ normalised to sum to one).
struct BGNBDLikelihood: Sendable {
    let groups: SummaryGroups
    let kind: PurchaseModelKind

    /// Total log-likelihood and its gradient in log-parameters; non-finite values mean the point
    /// is outside what `Double` can represent (the optimiser then steps back).
    func evaluate(logParameters θ: [Double]) -> (value: Double, gradient: [Double]) {
        let r = exp(θ[0]), alpha = exp(θ[1]), a = exp(θ[2]), b = exp(θ[3])
        let s = Double(self.kind.dropoutShift)
        let logAlpha = θ[1]
        let logA = θ[2]
        let logGammaR = SpecialFunctions.logGamma(r), digammaR = SpecialFunctions.digamma(r)
        let logGammaB = SpecialFunctions.logGamma(b), digammaB = SpecialFunctions.digamma(b)
        let logGammaAB = SpecialFunctions.logGamma(a + b), digammaAB = SpecialFunctions.digamma(a + b)

        var total = 0.0
        var gradR = 0.0, gradAlpha = 0.0, gradA = 0.0, gradB = 0.0

        // Terms that depend only on x, refreshed when the (sorted) frequency changes.
        var currentX = -1
        var a1 = 0.0, a2 = 0.0, rx = 0.0
        var dA1dr = 0.0, dA2da = 0.0, dA2db = 0.0
        var hasSecondTerm = false
        var logA4Constant = 0.0, inverseB = 0.0

        let frequency = self.groups.frequency, recency = self.groups.recency, age = self.groups.age, count = self.groups.count
        for index in frequency.indices {
            let x = frequency[index]
            if x != currentX {
                currentX = x
                let xd = Double(x)
                rx = r + xd
                a1 = SpecialFunctions.logGamma(rx) - logGammaR + r * logAlpha
                a2 = logGammaAB + SpecialFunctions.logGamma(b + xd + s) - logGammaB - SpecialFunctions.logGamma(a + b + xd + s)
                dA1dr = SpecialFunctions.digamma(rx) - digammaR + logAlpha
                let digammaABXS = SpecialFunctions.digamma(a + b + xd + s)
                dA2da = digammaAB - digammaABXS
                dA2db = digammaAB + SpecialFunctions.digamma(b + xd + s) - digammaB - digammaABXS
                hasSecondTerm = x > 0 || self.kind == .modifiedBGNBD
                // b + x + s − 1 > 0 whenever the second term exists; it is not used otherwise.
                let shifted = b + xd + s - 1
                logA4Constant = hasSecondTerm ? logA - log(shifted) : 0
                inverseB = hasSecondTerm ? 1 / shifted : 0
            }
            let weight = count[index]
            let alphaT = alpha + age[index]
            let logAlphaT = log(alphaT)
            let a3 = -rx * logAlphaT
            var w4 = 0.0
            var logSum = a3
            var alphaTx = 1.0
            var logAlphaTx = 0.0
            if hasSecondTerm {
                alphaTx = alpha + recency[index]
                logAlphaTx = log(alphaTx)
                let a4 = logA4Constant - rx * logAlphaTx
                logSum = SpecialFunctions.logSumExp(a3, a4)
                w4 = exp(a4 - logSum)
            }
            let w3 = 1 - w4
            total += weight * (a1 + a2 + logSum)
            gradR += weight * (dA1dr - w3 * logAlphaT - w4 * logAlphaTx)
            gradAlpha += weight * (r / alpha - rx * (w3 / alphaT + (hasSecondTerm ? w4 / alphaTx : 0)))
            gradA += weight * (dA2da + w4 / a)
            gradB += weight * (dA2db - w4 * inverseB)
        }
        return (total, [gradR * r, gradAlpha * alpha, gradA * a, gradB * b])
    }
}
