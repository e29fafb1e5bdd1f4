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
///
/// Cost per pass: the gamma functions once per distinct x, ln(α+t) once per distinct time, and
/// one `exp` and one `log1p` per distinct summary; large inputs are split over the cores.
struct BGNBDLikelihood: Sendable {
    let groups: SummaryGroups
    let kind: PurchaseModelKind

    /// Total log-likelihood and its gradient in log-parameters; non-finite values mean the point
    /// is outside what `Double` can represent (the optimiser then steps back).
    func evaluate(logParameters θ: [Double]) -> (value: Double, gradient: [Double]) {
        let parameters = Point(θ)
        let logTime = self.groups.times.map { log(parameters.alpha + $0) }
        let inverseTime = self.groups.times.map { 1 / (parameters.alpha + $0) }
        let count = self.groups.frequency.count
        let chunks = count >= 50_000 ? ProcessInfo.processInfo.activeProcessorCount : 1
        var sums = SIMD8<Double>()
        if chunks == 1 {
            sums = self.partialSums(0..<count, parameters, logTime, inverseTime)
        } else {
            let chunkSize = (count + chunks - 1) / chunks
            var partials = [SIMD8<Double>](repeating: .zero, count: chunks)
            partials.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let output = buffer
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let range = (chunk * chunkSize)..<min((chunk + 1) * chunkSize, count)
                    output[chunk] = self.partialSums(range, parameters, logTime, inverseTime)
                }
            }
            for partial in partials { sums += partial }
        }
        return (sums[0], [sums[1] * parameters.r, sums[2] * parameters.alpha, sums[3] * parameters.a, sums[4] * parameters.b])
    }

    /// The parameters and the functions of them that every group needs.
    struct Point: Sendable {
        let r, alpha, a, b, logAlpha, logA: Double
        let logGammaR, digammaR, logGammaB, digammaB, logGammaAB, digammaAB: Double

        init(_ θ: [Double]) {
            self.r = exp(θ[0])
            self.alpha = exp(θ[1])
            self.a = exp(θ[2])
            self.b = exp(θ[3])
            self.logAlpha = θ[1]
            self.logA = θ[2]
            self.logGammaR = SpecialFunctions.logGamma(self.r)
            self.digammaR = SpecialFunctions.digamma(self.r)
            self.logGammaB = SpecialFunctions.logGamma(self.b)
            self.digammaB = SpecialFunctions.digamma(self.b)
            self.logGammaAB = SpecialFunctions.logGamma(self.a + self.b)
            self.digammaAB = SpecialFunctions.digamma(self.a + self.b)
        }
    }

    /// Sums over `range` of groups: [ln L, ∂/∂r, ∂/∂α, ∂/∂a, ∂/∂b] (natural-scale derivatives).
    private func partialSums(_ range: Range<Int>, _ point: Point, _ logTime: [Double], _ inverseTime: [Double]) -> SIMD8<Double> {
        let r = point.r, alpha = point.alpha, a = point.a, b = point.b
        let s = Double(self.kind.dropoutShift)
        var total = 0.0
        var gradR = 0.0, gradAlpha = 0.0, gradA = 0.0, gradB = 0.0

        // Terms that depend only on x, refreshed when the (sorted) frequency changes.
        var currentX = -1
        var a1a2 = 0.0, rx = 0.0
        var dA1dr = 0.0, dA2da = 0.0, dA2db = 0.0
        var hasSecondTerm = false
        var logA4Constant = 0.0, inverseB = 0.0

        let frequency = self.groups.frequency, count = self.groups.count
        let ageIndex = self.groups.ageIndex, recencyIndex = self.groups.recencyIndex
        for index in range {
            let x = frequency[index]
            if x != currentX {
                currentX = x
                let xd = Double(x)
                rx = r + xd
                let a1 = SpecialFunctions.logGamma(rx) - point.logGammaR + r * point.logAlpha
                let a2 = point.logGammaAB + SpecialFunctions.logGamma(b + xd + s) - point.logGammaB - SpecialFunctions.logGamma(a + b + xd + s)
                a1a2 = a1 + a2
                dA1dr = SpecialFunctions.digamma(rx) - point.digammaR + point.logAlpha
                let digammaABXS = SpecialFunctions.digamma(a + b + xd + s)
                dA2da = point.digammaAB - digammaABXS
                dA2db = point.digammaAB + SpecialFunctions.digamma(b + xd + s) - point.digammaB - digammaABXS
                hasSecondTerm = x > 0 || self.kind == .modifiedBGNBD
                // b + x + s − 1 > 0 whenever the second term exists; it is not used otherwise.
                let shifted = b + xd + s - 1
                logA4Constant = hasSecondTerm ? point.logA - log(shifted) : 0
                inverseB = hasSecondTerm ? 1 / shifted : 0
            }
            let weight = count[index]
            let ageSlot = Int(ageIndex[index])
            let logAlphaT = logTime[ageSlot]
            let a3 = -rx * logAlphaT
            if hasSecondTerm {
                let recencySlot = Int(recencyIndex[index])
                let logAlphaTx = logTime[recencySlot]
                let a4 = logA4Constant - rx * logAlphaTx
                // ln(e^A₃ + e^A₄) and the weight of the second term, from one exponential.
                let difference = a4 - a3
                // e ∈ (0, 1], so ln(1 + e) loses nothing that matters next to A₃ or A₄ and is
                // cheaper than log1p.
                let e = exp(-abs(difference))
                let logSum = (difference > 0 ? a4 : a3) + log(1 + e)
                let w4 = difference > 0 ? 1 / (1 + e) : e / (1 + e)
                let w3 = 1 - w4
                total += weight * (a1a2 + logSum)
                gradR += weight * (dA1dr - w3 * logAlphaT - w4 * logAlphaTx)
                gradAlpha += weight * (r / alpha - rx * (w3 * inverseTime[ageSlot] + w4 * inverseTime[recencySlot]))
                gradA += weight * (dA2da + w4 / a)
                gradB += weight * (dA2db - w4 * inverseB)
            } else {
                total += weight * (a1a2 + a3)
                gradR += weight * (dA1dr - logAlphaT)
                gradAlpha += weight * (r / alpha - rx * inverseTime[ageSlot])
                gradA += weight * dA2da
                gradB += weight * dA2db
            }
        }
        return SIMD8(total, gradR, gradAlpha, gradA, gradB, 0, 0, 0)
    }
}
