/// How a model fit ended. Every fit returns one of these; none crashes or returns NaN.
public enum FitStatus: Sendable, Hashable, CustomStringConvertible {
    /// The optimiser converged to a maximum of the likelihood.
    case converged
    /// The optimiser stopped before converging; the parameters are the best found so far.
    case stoppedEarly(OptimizerStopReason)
    /// The data cannot support the model; no parameters were estimated.
    case notFitted(FitDataProblem)

    public var description: String {
        switch self {
        case .converged: "converged"
        case .stoppedEarly(let reason): "stopped early: \(reason); parameters are the best found so far"
        case .notFitted(let problem): "not fitted: \(problem)"
        }
    }

    public var hasParameters: Bool {
        if case .notFitted = self { return false }
        return true
    }
}

/// What is wrong with the data when a model cannot be fitted at all.
public enum FitDataProblem: Sendable, Hashable, CustomStringConvertible {
    /// No (consistent) customer summaries.
    case noCustomers
    /// Nobody bought twice: the purchase rate's spread (or, for spend, any repeat value) cannot be
    /// estimated; every such likelihood increases without bound towards a degenerate population.
    case noRepeatPurchases
    /// Fewer distinct customer summaries than the model has parameters, e.g. one customer or all
    /// customers identical; the heterogeneity the model describes is then not observable.
    case tooLittleVariation(distinctSummaries: Int, parameters: Int)
    /// All repeat customers have the same mean spend, so the spread of spend is not observable.
    case identicalSpend
    /// The likelihood is not finite even at the starting point (values beyond `Double`'s range).
    case nonFiniteLikelihood

    public var description: String {
        switch self {
        case .noCustomers: "no customers with orders"
        case .noRepeatPurchases: "no customer has bought on more than one day, so repeat behaviour cannot be estimated"
        case .tooLittleVariation(let distinct, let parameters):
            "only \(distinct) distinct customer summaries for \(parameters) parameters (too few or identical customers)"
        case .identicalSpend: "all repeat customers have the same mean order value, so its spread cannot be estimated"
        case .nonFiniteLikelihood: "the likelihood is not finite for these data (values out of range)"
        }
    }
}

/// The outcome of fitting one model: its status, best parameters, fit diagnostics and the
/// parameters' covariance.
public struct ModelFit<Parameters: Sendable & Hashable>: Sendable {
    public var status: FitStatus
    /// The estimate (nil only when `status` is `.notFitted`).
    public var parameters: Parameters?
    /// Total log-likelihood at `parameters` (including every constant of the densities).
    public var logLikelihood: Double?
    /// Covariance of the log-parameters, or nil with the reason in `covarianceProblem`.
    public var covariance: ParameterCovariance?
    public var covarianceProblem: ParameterCovariance.Problem?
    /// Standard errors on the natural scale (delta method from the log-parameter covariance).
    public var standardErrors: [Double]?
    /// Parameters so large or small that the data do not bound them (names), e.g. r and α
    /// growing together when purchase rates barely vary; predictions remain usable but the
    /// parameter itself is not interpretable.
    public var parametersAtBoundary: [String]
    public var customers: Int
    public var iterations: Int
    public var evaluations: Int
    public var elapsed: Duration

    static func notFitted(_ problem: FitDataProblem, customers: Int) -> ModelFit {
        ModelFit(
            status: .notFitted(problem), parameters: nil, logLikelihood: nil, covariance: nil, covarianceProblem: nil,
            standardErrors: nil, parametersAtBoundary: [], customers: customers, iterations: 0, evaluations: 0, elapsed: .zero
        )
    }
}

/// Shared fitting procedure: minimise the mean negative log-likelihood from a start, then take the
/// covariance at the optimum. Used by both the purchase and the spend model.
enum MaximumLikelihood {
    /// |ln θ| beyond which a parameter is reported as at the boundary (e¹⁵ ≈ 3.3 million).
    static let boundaryLogMagnitude = 15.0

    /// - Parameter warmStart: a subsample's likelihood (value and gradient, with its number of
    ///   customers). When given, the optimiser first minimises that cheaper objective and then
    ///   starts on the full data from its optimum and its learned curvature: near the optimum BFGS
    ///   needs only a few full-data steps. The subsample fit shares the time budget.
    static func fit(
        start: [Double], names: [String], customers: Int, settings: OptimizerSettings,
        warmStart: (customers: Int, logLikelihood: ([Double]) -> (value: Double, gradient: [Double]))? = nil,
        logLikelihood: @escaping ([Double]) -> (value: Double, gradient: [Double])
    ) -> (outcome: OptimizerOutcome, status: FitStatus, covariance: Result<ParameterCovariance, ParameterCovariance.Problem>?, boundary: [String], elapsed: Duration) {
        let clock = ContinuousClock()
        let started = clock.now
        var start = start
        var initialInverseHessian: [[Double]]?
        var warmEvaluations = 0
        if let warmStart {
            let sampleScale = 1 / Double(max(warmStart.customers, 1))
            var sampleSettings = settings
            sampleSettings.timeBudget = settings.timeBudget / 2
            let sample = QuasiNewtonOptimizer(settings: sampleSettings).minimize(start: start) { θ in
                let (value, gradient) = warmStart.logLikelihood(θ)
                return (-value * sampleScale, gradient.map { -$0 * sampleScale })
            }
            warmEvaluations = sample.evaluations
            if sample.reason == .converged, sample.point.allSatisfy({ abs($0) < Self.boundaryLogMagnitude }) {
                start = sample.point
                initialInverseHessian = sample.inverseHessian
            }
        }
        var remaining = settings
        remaining.timeBudget = max(.zero, settings.timeBudget - (clock.now - started))
        let scale = 1 / Double(max(customers, 1))
        let optimizer = QuasiNewtonOptimizer(settings: remaining)
        var outcome = optimizer.minimize(start: start, initialInverseHessian: initialInverseHessian) { θ in
            let (value, gradient) = logLikelihood(θ)
            return (-value * scale, gradient.map { -$0 * scale })
        }
        outcome.evaluations += warmEvaluations
        if outcome.reason == .nonFiniteStart {
            return (outcome, .notFitted(.nonFiniteLikelihood), nil, [], clock.now - started)
        }
        let status: FitStatus = outcome.reason == .converged ? .converged : .stoppedEarly(outcome.reason)
        let boundary = zip(names, outcome.point).filter { abs($0.1) > Self.boundaryLogMagnitude }.map(\.0)
        let covariance = ParameterCovariance.fromGradient(at: outcome.point) { θ in
            logLikelihood(θ).gradient.map { -$0 }
        }
        return (outcome, status, covariance, boundary, clock.now - started)
    }
}
