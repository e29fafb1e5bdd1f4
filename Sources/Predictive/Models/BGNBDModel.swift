import Foundation

/// A fitted (or given) BG/NBD or MBG/NBD purchase model: who is still a customer, and how many
/// purchases to expect from them.
public struct BGNBDModel: Sendable, Hashable {
    public var kind: PurchaseModelKind
    public var parameters: BGNBDParameters

    public init(kind: PurchaseModelKind = .bgnbd, parameters: BGNBDParameters) {
        self.kind = kind
        self.parameters = parameters
    }

    // MARK: Fitting

    /// Fits the model by maximum likelihood (BFGS on log-parameters, analytic gradient).
    ///
    /// Data the model cannot describe come back as `.notFitted` with the reason; an optimiser that
    /// runs out of iterations or time comes back as `.stoppedEarly` with the best point so far.
    public static func fit(_ groups: SummaryGroups, kind: PurchaseModelKind = .bgnbd, settings: OptimizerSettings = OptimizerSettings()) -> ModelFit<BGNBDParameters> {
        let customers = groups.customers
        guard customers > 0 else { return .notFitted(.noCustomers, customers: 0) }
        guard groups.repeatCustomers > 0 else { return .notFitted(.noRepeatPurchases, customers: customers) }
        guard groups.distinctSummaries >= 4 else {
            return .notFitted(.tooLittleVariation(distinctSummaries: groups.distinctSummaries, parameters: 4), customers: customers)
        }
        let likelihood = BGNBDLikelihood(groups: groups, kind: kind)
        // Large inputs: first fit a systematic sample of about 100,000 customers.
        var warmStart: (customers: Int, logLikelihood: ([Double]) -> (value: Double, gradient: [Double]))?
        if groups.distinctSummaries >= 200_000 {
            let sample = groups.systematicSample(every: customers / 100_000)
            warmStart = (sample.customers, BGNBDLikelihood(groups: sample, kind: kind).evaluate(logParameters:))
        }
        let result = MaximumLikelihood.fit(
            start: Self.startingPoint(groups), names: BGNBDParameters.names, customers: customers, settings: settings,
            warmStart: warmStart, logLikelihood: likelihood.evaluate(logParameters:)
        )
        guard result.status.hasParameters else { return .notFitted(.nonFiniteLikelihood, customers: customers) }
        let parameters = BGNBDParameters(logParameters: result.outcome.point)
        let covariance = try? result.covariance?.get()
        return ModelFit(
            status: result.status, parameters: parameters, logLikelihood: -result.outcome.value * Double(customers),
            covariance: covariance, covarianceProblem: Self.problem(result.covariance),
            standardErrors: covariance?.standardErrors(at: parameters.values), parametersAtBoundary: result.boundary,
            customers: customers, iterations: result.outcome.iterations, evaluations: result.outcome.evaluations, elapsed: result.elapsed
        )
    }

    /// Convenience: groups the summaries, then fits.
    public static func fit(_ summaries: [CustomerSummary], kind: PurchaseModelKind = .bgnbd, settings: OptimizerSettings = OptimizerSettings()) -> ModelFit<BGNBDParameters> {
        Self.fit(SummaryGroups(summaries), kind: kind, settings: settings)
    }

    /// r = a = b = 1 and α matching the mean repeat-purchase rate (r/α = Σx / ΣT), so the start
    /// is on the data's time scale whatever the unit.
    static func startingPoint(_ groups: SummaryGroups) -> [Double] {
        var purchases = 0.0, time = 0.0
        for index in groups.frequency.indices {
            purchases += groups.count[index] * Double(groups.frequency[index])
            time += groups.count[index] * groups.age[index]
        }
        let alpha = purchases > 0 && time > 0 ? time / purchases : 1
        return [0, log(alpha), 0, 0]
    }

    static func problem(_ result: Result<ParameterCovariance, ParameterCovariance.Problem>?) -> ParameterCovariance.Problem? {
        if case .failure(let problem) = result { return problem }
        return nil
    }

    // MARK: Predictions for one customer

    /// The log-likelihood of one customer's summary.
    public func logLikelihood(_ summary: CustomerSummary) -> Double {
        BGNBDLikelihood(groups: SummaryGroups([summary]), kind: self.kind).evaluate(logParameters: self.parameters.logParameters).value
    }

    /// P(alive | x, t_x, T): the probability that the customer has not dropped out by the end of
    /// the observation.
    ///
    /// BG/NBD: 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) — so 1 for one-time buyers.
    /// MBG/NBD: 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)) for every x.
    /// Computed as a logistic function of the log odds, so it never overflows.
    public func probabilityAlive(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let p = self.parameters
        let s = Double(self.kind.dropoutShift)
        guard x > 0 || self.kind == .modifiedBGNBD else { return 1 }
        let xd = Double(x)
        let logOdds = log(p.a) - log(p.b + xd + s - 1) + (p.r + xd) * (log(p.alpha + T) - log(p.alpha + tx))
        return SpecialFunctions.logisticOfNegative(logOdds)
    }

    /// E[Y(t) | alive at T, x, T]: expected purchases in the next `horizon` time units for a
    /// customer known to be alive. (It does not depend on t_x.)
    ///
    /// Given alive, λ | data ~ Gamma(r+x, α+T) and p | data ~ Beta(a, β) with β = b+x+s, and a
    /// customer with (λ, p) makes (1 − e^(−λpt))/p purchases in t on average. Integrating gives
    /// the paper's closed form c/(a−1) · [1 − (1−z)^(r+x) ₂F₁(r+x, β; c; z)], c = a+β−1,
    /// z = t/(α+T+t). Euler's transformation turns (1−z)^(r+x) ₂F₁(r+x, β; c; z) into
    /// (1−z)^(a−1) ₂F₁(c−r−x, a−1; c; z); every term of that series after the first carries the
    /// factor (a−1), which cancels the denominator, leaving
    ///
    ///     c · [ −ln(1−z) · (e^((a−1)ln(1−z)) − 1)/((a−1)ln(1−z)) − (1−z)^(a−1) · R ],
    ///     R = Σₙ≥₁ (c−r−x)ₙ (a)ₙ₋₁ zⁿ / ((c)ₙ n!),
    ///
    /// which has no singularity at a = 1, never forms Γ of large arguments, and whose terms
    /// shrink as the frequency grows. The series is summed until the remaining tail (bounded by
    /// a geometric series with the current term ratio) is negligible, at most 200,000 terms
    /// (reached only when the horizon is thousands of times the customer's α + T).
    public func expectedPurchasesIfAlive(frequency x: Int, age T: Double, horizon t: Double) -> Double {
        guard t > 0 else { return 0 }
        let p = self.parameters
        let xd = Double(x)
        let beta = p.b + xd + Double(self.kind.dropoutShift)
        let c = p.a + beta - 1
        let u = t / (p.alpha + T)
        let z = u / (1 + u)
        let logOneMinusZ = -log1p(u)
        let aMinusOne = p.a - 1
        let firstPart = -logOneMinusZ * SpecialFunctions.relativeExpm1(aMinusOne * logOneMinusZ)
        // R by its term recurrence: t₁ = A z / c, tₙ₊₁ = tₙ · (A+n)(a+n−1) z / ((c+n)(n+1)), A = c − r − x.
        // When a·z is large the terms first grow like (az)ⁿ/n! (and (1−z)^(a−1) is tiny to match),
        // so the sum is kept as sum·e^logScale and rescaled before it can overflow.
        let bigA = c - p.r - xd
        var term = bigA * z / c
        var sum = term
        var logScale = 0.0
        var n = 1.0
        while n < 200_000 {
            let ratio = (bigA + n) * (p.a + n - 1) * z / ((c + n) * (n + 1))
            term *= ratio
            sum += term
            n += 1
            if abs(sum) > 1e250 {
                term *= 1e-250
                sum *= 1e-250
                logScale += 250 * M_LN10
            }
            let tailBound = abs(ratio) < 1 ? abs(term) / (1 - abs(ratio)) : .infinity
            if tailBound <= 1e-15 * abs(sum) || term == 0 { break }
        }
        let value = c * (firstPart - exp(aMinusOne * logOneMinusZ + logScale) * sum)
        // Cannot be negative in exact arithmetic; rounding in extreme parameter regions can make it so.
        return value.isFinite ? max(value, 0) : 0
    }

    /// E[Y(t) | x, t_x, T] = P(alive) · E[Y(t) | alive]: the expected number of purchases (days
    /// with a purchase) in the next `horizon` time units.
    public func expectedPurchases(_ summary: CustomerSummary, horizon: Double) -> Double {
        self.probabilityAlive(frequency: summary.frequency, recency: summary.recency, age: summary.age)
            * self.expectedPurchasesIfAlive(frequency: summary.frequency, age: summary.age, horizon: horizon)
    }

    /// The median time from the end of the observation to the customer's next purchase, counting
    /// the chance that there is none: the τ with P(a purchase in (T, T+τ]) = ½, or nil when the
    /// customer is less than 50% likely ever to buy again.
    ///
    /// Dropout happens only at purchases, so a customer alive at T who does not buy in τ has
    /// simply not had an event: P(none in τ | alive) = ((α+T)/(α+T+τ))^(r+x). Hence
    /// P(purchase in τ) = P(alive) · (1 − ((α+T)/(α+T+τ))^(r+x)), which solves in closed form.
    public func medianTimeToNextPurchase(frequency x: Int, recency tx: Double, age T: Double) -> Double? {
        let alive = self.probabilityAlive(frequency: x, recency: tx, age: T)
        guard alive > 0.5 else { return nil }
        let k = self.parameters.r + Double(x)
        // (α+T)/(α+T+τ) = q^(1/k), q = 1 − 0.5/P(alive) ⇒ τ = (α+T)·(q^(−1/k) − 1)
        let logQ = log1p(-0.5 / alive)
        let value = (self.parameters.alpha + T) * expm1(-logQ / k)
        return value.isFinite ? value : nil
    }
}
