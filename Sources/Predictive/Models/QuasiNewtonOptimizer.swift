import Foundation

/// Why the optimiser stopped.
public enum OptimizerStopReason: String, Sendable, Hashable, CustomStringConvertible {
    /// The gradient vanished (to the tolerance), or no step could improve the objective while
    /// the gradient was already tiny: the point is a minimum to machine precision.
    case converged
    /// `maxIterations` quasi-Newton steps were taken without converging.
    case iterationLimit
    /// The time budget ran out; the best point so far is returned.
    case timeBudget
    /// The line search found no acceptable step although the gradient is not small.
    case lineSearchFailed
    /// The objective or its gradient was not finite at the starting point.
    case nonFiniteStart

    public var description: String {
        switch self {
        case .converged: "converged"
        case .iterationLimit: "stopped at the iteration limit"
        case .timeBudget: "stopped at the time budget"
        case .lineSearchFailed: "the line search found no acceptable step"
        case .nonFiniteStart: "the objective is not finite at the starting point"
        }
    }
}

/// Limits that make every fit finish.
public struct OptimizerSettings: Sendable, Hashable {
    /// Maximum number of quasi-Newton iterations.
    public var maxIterations: Int
    /// Wall-clock budget for the whole minimisation.
    public var timeBudget: Duration
    /// Convergence when every component of the gradient of the *mean* per-customer objective is
    /// below this (the mean keeps the tolerance independent of the number of customers).
    public var gradientTolerance: Double

    /// Convergence when the decrease still to be expected, ½ gᵀH⁻¹g, is below this fraction of
    /// the objective: the rounding noise of the objective itself. Near the optimum the remaining
    /// relative parameter error is then of the order of the square root of this times the
    /// parameter's relative standard error times √n: about 1e-7 at a million customers.
    public var decrementTolerance: Double

    public init(maxIterations: Int = 500, timeBudget: Duration = .seconds(60), gradientTolerance: Double = 1e-10, decrementTolerance: Double = 1e-16) {
        self.maxIterations = maxIterations
        self.timeBudget = timeBudget
        self.gradientTolerance = gradientTolerance
        self.decrementTolerance = decrementTolerance
    }
}

/// The result of a minimisation: the best point seen, however the run ended.
public struct OptimizerOutcome: Sendable {
    public var point: [Double]
    public var value: Double
    public var gradient: [Double]
    public var iterations: Int
    public var evaluations: Int
    public var reason: OptimizerStopReason
    /// The final BFGS estimate of the inverse Hessian (nil if no curvature was learned), which can
    /// warm-start a related minimisation.
    public var inverseHessian: [[Double]]?
}

/// BFGS with a strong-Wolfe line search (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
/// algorithms 6.1, 3.5 and 3.6), for the handful of parameters of the CLV models.
///
/// Why BFGS: the objectives are smooth with cheap analytic gradients, and their Hessians are
/// badly scaled (r and α, or p and γ, are strongly correlated); BFGS learns that curvature in a
/// few steps where gradient descent crawls. The strong-Wolfe conditions keep every update's
/// curvature positive (sᵀy > 0), so the inverse-Hessian estimate stays positive definite.
///
/// Points where the objective is not finite (overflow far from the optimum) are treated as
/// infinitely bad, which the line search answers by shortening the step; no penalty term is added.
public struct QuasiNewtonOptimizer: Sendable {
    public var settings: OptimizerSettings

    /// Sufficient-decrease and curvature constants of the strong-Wolfe conditions.
    let c1 = 1e-4
    let c2 = 0.9

    public init(settings: OptimizerSettings = OptimizerSettings()) {
        self.settings = settings
    }

    /// Minimises `objective` (value and gradient) from `start`, optionally with an initial
    /// inverse-Hessian estimate (e.g. from minimising the same objective on a subsample).
    public func minimize(start: [Double], initialInverseHessian: [[Double]]? = nil, objective: ([Double]) -> (value: Double, gradient: [Double])) -> OptimizerOutcome {
        let clock = ContinuousClock()
        let startTime = clock.now
        let n = start.count
        var evaluations = 0
        func evaluate(_ point: [Double]) -> (value: Double, gradient: [Double])? {
            evaluations += 1
            let result = objective(point)
            guard result.value.isFinite, result.gradient.allSatisfy(\.isFinite) else { return nil }
            return result
        }

        guard let first = evaluate(start) else {
            return OptimizerOutcome(point: start, value: .nan, gradient: Array(repeating: .nan, count: n), iterations: 0, evaluations: evaluations, reason: .nonFiniteStart, inverseHessian: nil)
        }
        var x = start
        var f = first.value
        var g = first.gradient
        var inverseHessian = initialInverseHessian ?? Self.identity(n)
        var scaled = initialInverseHessian != nil

        for iteration in 0..<self.settings.maxIterations {
            if Self.maxNorm(g) <= self.settings.gradientTolerance {
                return OptimizerOutcome(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, reason: .converged, inverseHessian: scaled ? inverseHessian : nil)
            }
            if clock.now - startTime > self.settings.timeBudget {
                return OptimizerOutcome(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, reason: .timeBudget, inverseHessian: scaled ? inverseHessian : nil)
            }
            var direction = Self.multiply(inverseHessian, g).map { -$0 }
            if Self.dot(direction, g) >= 0 {
                // Rounding broke the positive definiteness: restart from steepest descent.
                inverseHessian = Self.identity(n)
                scaled = false
                direction = g.map { -$0 }
            } else if scaled && -Self.dot(direction, g) / 2 <= self.settings.decrementTolerance * max(1, abs(f)) {
                // The quasi-Newton model predicts a further decrease (½ gᵀHg) below the resolution
                // of the objective itself: further steps would only chase rounding noise.
                return OptimizerOutcome(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, reason: .converged, inverseHessian: scaled ? inverseHessian : nil)
            }
            let initialStep = scaled ? 1.0 : min(1.0, 1.0 / max(Self.maxNorm(g), 1e-300))
            guard let step = self.lineSearch(x: x, f: f, g: g, direction: direction, initialStep: initialStep, evaluate: evaluate) else {
                // No step lowers the objective. At a point this flat that is convergence at
                // machine precision; otherwise the model cannot be improved from here.
                let reason: OptimizerStopReason = Self.maxNorm(g) <= max(1e-6, self.settings.gradientTolerance * 1e4) ? .converged : .lineSearchFailed
                return OptimizerOutcome(point: x, value: f, gradient: g, iterations: iteration, evaluations: evaluations, reason: reason, inverseHessian: scaled ? inverseHessian : nil)
            }
            let s = zip(step.point, x).map { $0 - $1 }
            let y = zip(step.gradient, g).map { $0 - $1 }
            let previousValue = f
            x = step.point
            f = step.value
            g = step.gradient
            let sy = Self.dot(s, y)
            if sy > 1e-12 * Self.norm(s) * Self.norm(y) {
                if !scaled {
                    // Nocedal & Wright (6.20): scale the initial inverse Hessian to the observed curvature.
                    let yy = Self.dot(y, y)
                    inverseHessian = Self.identity(n).map { $0.map { $0 * sy / yy } }
                    scaled = true
                }
                inverseHessian = Self.bfgsUpdate(inverseHessian, s: s, y: y, sy: sy)
            }
            if f == previousValue && Self.maxNorm(g) <= max(1e-6, self.settings.gradientTolerance * 1e4) {
                return OptimizerOutcome(point: x, value: f, gradient: g, iterations: iteration + 1, evaluations: evaluations, reason: .converged, inverseHessian: scaled ? inverseHessian : nil)
            }
        }
        let reason: OptimizerStopReason = Self.maxNorm(g) <= self.settings.gradientTolerance ? .converged : .iterationLimit
        return OptimizerOutcome(point: x, value: f, gradient: g, iterations: self.settings.maxIterations, evaluations: evaluations, reason: reason, inverseHessian: scaled ? inverseHessian : nil)
    }

    private struct Trial {
        var step: Double
        var point: [Double]
        var value: Double
        var gradient: [Double]
        var slope: Double
    }

    /// Algorithm 3.5: find a step satisfying the strong-Wolfe conditions, or nil if none lowers f.
    private func lineSearch(
        x: [Double], f: Double, g: [Double], direction: [Double], initialStep: Double,
        evaluate: ([Double]) -> (value: Double, gradient: [Double])?
    ) -> Trial? {
        let slope0 = Self.dot(g, direction)
        func trial(_ step: Double) -> Trial? {
            let point = zip(x, direction).map { $0 + step * $1 }
            guard let result = evaluate(point) else { return nil }
            return Trial(step: step, point: point, value: result.value, gradient: result.gradient, slope: Self.dot(result.gradient, direction))
        }
        var previous = Trial(step: 0, point: x, value: f, gradient: g, slope: slope0)
        var step = initialStep
        for attempt in 0..<40 {
            guard let current = trial(step) else {
                // Not finite: the step overshot into overflow. Look between the last good point and here.
                return self.zoom(low: previous, highStep: step, highTrial: nil, f0: f, slope0: slope0, trial: trial)
            }
            if current.value > f + self.c1 * step * slope0 || (attempt > 0 && current.value >= previous.value) {
                return self.zoom(low: previous, highStep: step, highTrial: current, f0: f, slope0: slope0, trial: trial)
            }
            if abs(current.slope) <= -self.c2 * slope0 { return current }
            if current.slope >= 0 {
                return self.zoom(low: current, highStep: previous.step, highTrial: previous, f0: f, slope0: slope0, trial: trial)
            }
            previous = current
            step *= 2
        }
        return previous.step > 0 ? previous : nil
    }

    /// Algorithm 3.6: shrink the bracket [low, high] by safeguarded cubic interpolation.
    private func zoom(
        low initialLow: Trial, highStep initialHighStep: Double, highTrial initialHigh: Trial?, f0: Double, slope0: Double,
        trial: (Double) -> Trial?
    ) -> Trial? {
        var low = initialLow
        var highStep = initialHighStep
        var high = initialHigh
        for _ in 0..<30 {
            let width = highStep - low.step
            var step = low.step + width / 2
            if let high, let cubic = Self.cubicMinimizer(low, high), cubic.isFinite {
                let lower = min(low.step, highStep) + 0.1 * abs(width)
                let upper = max(low.step, highStep) - 0.1 * abs(width)
                if cubic >= lower && cubic <= upper { step = cubic }
            }
            if abs(width) < 1e-16 * max(1, abs(low.step)) { break }
            guard let current = trial(step) else {
                highStep = step
                high = nil
                continue
            }
            if current.value > f0 + self.c1 * step * slope0 || current.value >= low.value {
                highStep = step
                high = current
            } else {
                if abs(current.slope) <= -self.c2 * slope0 { return current }
                if current.slope * (highStep - low.step) >= 0 {
                    highStep = low.step
                    high = low
                }
                low = current
            }
        }
        // The bracket collapsed: accept the best point if it at least decreases the objective.
        return low.step != 0 && low.value < f0 ? low : nil
    }

    /// The minimiser of the cubic through two points with their slopes (Nocedal & Wright 3.59).
    private static func cubicMinimizer(_ p: Trial, _ q: Trial) -> Double? {
        let d1 = p.slope + q.slope - 3 * (p.value - q.value) / (p.step - q.step)
        let discriminant = d1 * d1 - p.slope * q.slope
        guard discriminant >= 0 else { return nil }
        let d2 = (q.step > p.step ? 1.0 : -1.0) * discriminant.squareRoot()
        let denominator = q.slope - p.slope + 2 * d2
        guard denominator != 0 else { return nil }
        return q.step - (q.step - p.step) * (q.slope + d2 - d1) / denominator
    }

    /// H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / sᵀy.
    static func bfgsUpdate(_ h: [[Double]], s: [Double], y: [Double], sy: Double) -> [[Double]] {
        let n = s.count
        let rho = 1 / sy
        let hy = Self.multiply(h, y)
        let yhy = Self.dot(y, hy)
        var result = h
        for i in 0..<n {
            for j in 0..<n {
                result[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
        return result
    }

    static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { j in i == j ? 1 : 0 } }
    }

    static func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { Self.dot($0, v) }
    }

    static func dot(_ u: [Double], _ v: [Double]) -> Double {
        var sum = 0.0
        for i in u.indices { sum += u[i] * v[i] }
        return sum
    }

    static func norm(_ v: [Double]) -> Double { Self.dot(v, v).squareRoot() }

    static func maxNorm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } }
}
