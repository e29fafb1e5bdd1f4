import Foundation

/// The Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary Value"):
/// what a customer's purchases are worth on average.
///
/// Each of a customer's x repeat transactions is Gamma(p, ν); ν is Gamma(q, γ) across customers.
/// The mean m̄ of x transactions then has the density
///
///     f(m̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · x^(px) · m̄^(px−1) / (γ + x m̄)^(px+q),
///
/// and the best guess of the customer's mean spend is a weighted average of the population mean
/// pγ/(q−1) and the customer's own m̄, with more weight on m̄ the more transactions there are.
/// The model assumes spend is independent of purchase frequency; it is fitted on repeat customers.
public struct GammaGammaModel: Sendable, Hashable {
    public var parameters: GammaGammaParameters

    public init(parameters: GammaGammaParameters) {
        self.parameters = parameters
    }

    /// The spend data the model is fitted on: repeat customers with their mean repeat value.
    public struct SpendData: Sendable {
        /// x of each customer (repeat purchase days), ascending.
        public private(set) var frequency: [Int] = []
        /// m̄ of each customer, in the same order.
        public private(set) var meanValue: [Double] = []

        /// Keeps the customers with x > 0 and a positive, finite mean value.
        public init(_ summaries: [CustomerSummary]) {
            var frequency: [Int] = []
            var meanValue: [Double] = []
            for summary in summaries where summary.frequency > 0 && summary.monetaryValue > 0 && summary.monetaryValue.isFinite {
                frequency.append(summary.frequency)
                meanValue.append(summary.monetaryValue)
            }
            // Counting sort by x when x is small (the usual case), else a comparison sort.
            let maximum = frequency.max() ?? 0
            if maximum < 1 << 20 {
                var starts = [Int](repeating: 0, count: maximum + 2)
                for x in frequency { starts[x + 1] += 1 }
                for x in 0...maximum { starts[x + 1] += starts[x] }
                self.frequency = Array(repeating: 0, count: frequency.count)
                self.meanValue = Array(repeating: 0, count: frequency.count)
                for index in frequency.indices {
                    let x = frequency[index]
                    self.frequency[starts[x]] = x
                    self.meanValue[starts[x]] = meanValue[index]
                    starts[x] += 1
                }
            } else {
                let order = frequency.indices.sorted { frequency[$0] < frequency[$1] }
                self.frequency = order.map { frequency[$0] }
                self.meanValue = order.map { meanValue[$0] }
            }
        }

        public var customers: Int { self.frequency.count }

        /// Every `every`-th customer.
        func systematicSample(every: Int) -> SpendData {
            var sample = self
            sample.frequency = stride(from: 0, to: self.frequency.count, by: every).map { self.frequency[$0] }
            sample.meanValue = stride(from: 0, to: self.meanValue.count, by: every).map { self.meanValue[$0] }
            return sample
        }

        /// The number of distinct (x, m̄) pairs, counting no further than `limit` (cheap on large data).
        func distinctCustomers(upTo limit: Int) -> Int {
            var seen: [(Int, Double)] = []
            for index in self.frequency.indices {
                let pair = (self.frequency[index], self.meanValue[index])
                if !seen.contains(where: { $0 == pair }) {
                    seen.append(pair)
                    if seen.count >= limit { break }
                }
            }
            return seen.count
        }
    }

    // MARK: Fitting

    /// Fits p, q, γ by maximum likelihood on the repeat customers' mean values.
    public static func fit(_ data: SpendData, settings: OptimizerSettings = OptimizerSettings()) -> ModelFit<GammaGammaParameters> {
        let customers = data.customers
        guard customers > 0 else { return .notFitted(.noRepeatPurchases, customers: 0) }
        let distinct = data.distinctCustomers(upTo: 3)
        guard distinct >= 3 else {
            if data.meanValue.allSatisfy({ $0 == data.meanValue[0] }) { return .notFitted(.identicalSpend, customers: customers) }
            return .notFitted(.tooLittleVariation(distinctSummaries: distinct, parameters: 3), customers: customers)
        }
        let likelihood = GammaGammaLikelihood(data: data)
        // Large inputs: first fit every k-th customer (about 100,000; the data are sorted by x,
        // so the sample is stratified by frequency).
        var warmStart: (customers: Int, logLikelihood: ([Double]) -> (value: Double, gradient: [Double]))?
        if customers >= 200_000 {
            let sample = data.systematicSample(every: customers / 100_000)
            warmStart = (sample.customers, GammaGammaLikelihood(data: sample).evaluate(logParameters:))
        }
        let result = MaximumLikelihood.fit(
            start: Self.startingPoint(data), names: GammaGammaParameters.names, customers: customers, settings: settings,
            warmStart: warmStart, logLikelihood: likelihood.evaluate(logParameters:)
        )
        guard result.status.hasParameters else { return .notFitted(.nonFiniteLikelihood, customers: customers) }
        let parameters = GammaGammaParameters(logParameters: result.outcome.point)
        let covariance = try? result.covariance?.get()
        return ModelFit(
            status: result.status, parameters: parameters, logLikelihood: -result.outcome.value * Double(customers),
            covariance: covariance, covarianceProblem: BGNBDModel.problem(result.covariance),
            standardErrors: covariance?.standardErrors(at: parameters.values), parametersAtBoundary: result.boundary,
            customers: customers, iterations: result.outcome.iterations, evaluations: result.outcome.evaluations, elapsed: result.elapsed
        )
    }

    /// p = 1, q = 2 and γ chosen so the population mean pγ/(q−1) equals the data's mean spend:
    /// on the money scale of the account whatever the currency.
    static func startingPoint(_ data: SpendData) -> [Double] {
        let mean = data.meanValue.reduce(0, +) / Double(max(data.customers, 1))
        return [0, log(2), log(max(mean, 1e-300))]
    }

    // MARK: Predictions

    /// E[mean spend | x, m̄] = p(γ + x m̄) / (px + q − 1): the expected value of the customer's
    /// future transactions. For x = 0 it is the population mean pγ/(q−1), which exists only for
    /// q > 1 (nil otherwise).
    public func expectedAverageValue(frequency x: Int, meanValue m: Double) -> Double? {
        let p = self.parameters
        let denominator = p.p * Double(x) + p.q - 1
        guard denominator > 0 else { return nil }
        let value = p.p * (p.gamma + Double(x) * (x > 0 ? m : 0)) / denominator
        return value.isFinite ? value : nil
    }

    /// Gradient of `expectedAverageValue` with respect to (ln p, ln q, ln γ), for the delta method.
    /// (Lanes 0–2 hold p, q, γ; lane 3 is zero.)
    func expectedAverageValueGradient(frequency x: Int, meanValue m: Double) -> SIMD4<Double>? {
        let p = self.parameters
        let xd = Double(x)
        let denominator = p.p * xd + p.q - 1
        guard denominator > 0 else { return nil }
        let numeratorBase = p.gamma + xd * (x > 0 ? m : 0)
        let value = p.p * numeratorBase / denominator
        let dp = numeratorBase / denominator - value * xd / denominator
        let dq = -value / denominator
        let dGamma = p.p / denominator
        return SIMD4(dp * p.p, dq * p.q, dGamma * p.gamma, 0)
    }
}

/// The Gamma-Gamma log-likelihood over repeat customers and its gradient in (ln p, ln q, ln γ):
///
///     ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄)
///
/// The data are sorted by x, so the gamma and digamma values that depend on px are computed once
/// per distinct x.
struct GammaGammaLikelihood: Sendable {
    let data: GammaGammaModel.SpendData
    let logMean: [Double]

    init(data: GammaGammaModel.SpendData) {
        self.data = data
        self.logMean = data.meanValue.map { log($0) }
    }

    func evaluate(logParameters θ: [Double]) -> (value: Double, gradient: [Double]) {
        let count = self.data.frequency.count
        let chunks = count >= 50_000 ? ProcessInfo.processInfo.activeProcessorCount : 1
        var sums = SIMD4<Double>()
        if chunks == 1 {
            sums = self.partialSums(0..<count, θ)
        } else {
            let chunkSize = (count + chunks - 1) / chunks
            var partials = [SIMD4<Double>](repeating: .zero, count: chunks)
            partials.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let output = buffer
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    output[chunk] = self.partialSums((chunk * chunkSize)..<min((chunk + 1) * chunkSize, count), θ)
                }
            }
            for partial in partials { sums += partial }
        }
        return (sums[0], [sums[1] * exp(θ[0]), sums[2] * exp(θ[1]), sums[3] * exp(θ[2])])
    }

    /// Sums over `range` of customers: [ln f, ∂/∂p, ∂/∂q, ∂/∂γ] (natural-scale derivatives).
    private func partialSums(_ range: Range<Int>, _ θ: [Double]) -> SIMD4<Double> {
        let p = exp(θ[0]), q = exp(θ[1]), gamma = exp(θ[2])
        let logGamma = θ[2]
        let logGammaQ = SpecialFunctions.logGamma(q), digammaQ = SpecialFunctions.digamma(q)
        var total = 0.0, gradP = 0.0, gradQ = 0.0, gradGamma = 0.0
        var currentX = -1
        var px = 0.0, xd = 0.0, logX = 0.0, constant = 0.0, digammaPXQ = 0.0, digammaPX = 0.0
        let frequency = self.data.frequency, meanValue = self.data.meanValue, logMean = self.logMean
        for index in range {
            let x = frequency[index]
            if x != currentX {
                currentX = x
                xd = Double(x)
                px = p * xd
                logX = log(xd)
                constant = SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - logGammaQ + q * logGamma + px * logX
                digammaPXQ = SpecialFunctions.digamma(px + q)
                digammaPX = SpecialFunctions.digamma(px)
            }
            let logM = logMean[index]
            let spread = gamma + xd * meanValue[index]
            let logSpread = log(spread)
            total += constant + (px - 1) * logM - (px + q) * logSpread
            gradP += xd * (digammaPXQ - digammaPX + logX + logM - logSpread)
            gradQ += digammaPXQ - digammaQ + logGamma - logSpread
            gradGamma += q / gamma - (px + q) / spread
        }
        return SIMD4(total, gradP, gradQ, gradGamma)
    }
}
