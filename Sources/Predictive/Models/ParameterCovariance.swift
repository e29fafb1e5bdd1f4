import Foundation

/// The asymptotic covariance of maximum-likelihood estimates: the inverse of the observed
/// information, i.e. of the Hessian of the negative log-likelihood at the optimum.
///
/// The Hessian is taken numerically, by central differences of the analytic gradient (one pair
/// of gradient evaluations per parameter), which is accurate to about the square of the step and
/// avoids hand-deriving twenty second derivatives. Everything is in log-parameters, where the
/// likelihood is closer to quadratic, so the normal approximation is better there than on the
/// natural scale.
public struct ParameterCovariance: Sendable, Hashable {
    /// Covariance matrix of the log-parameters.
    public let matrix: [[Double]]

    /// The matrix's rows as SIMD vectors (up to four parameters), zero-padded.
    private let rows: [SIMD4<Double>]

    public init(matrix: [[Double]]) {
        precondition(matrix.count <= 4 && matrix.allSatisfy { $0.count == matrix.count }, "a square matrix of at most 4 parameters")
        self.matrix = matrix
        self.rows = matrix.map { row in
            var lanes = SIMD4<Double>()
            for (index, value) in row.enumerated() { lanes[index] = value }
            return lanes
        }
    }

    /// Standard errors of the log-parameters.
    public var logStandardErrors: [Double] {
        self.matrix.indices.map { self.matrix[$0][$0].squareRoot() }
    }

    /// Standard errors on the natural scale by the delta method: SE(eᶿ) ≈ eᶿ · SE(θ).
    public func standardErrors(at values: [Double]) -> [Double] {
        zip(values, self.logStandardErrors).map { $0 * $1 }
    }

    /// gᵀ Σ g for a model of up to four parameters (unused lanes of `gradient` are ignored),
    /// without allocating: the scorer's hot path.
    func variance(ofGradient gradient: SIMD4<Double>) -> Double {
        var sum = 0.0
        for i in 0..<self.rows.count {
            sum += gradient[i] * (self.rows[i] * gradient).sum()
        }
        return max(sum, 0)
    }

    /// Variance of a scalar function of the log-parameters with the given gradient: gᵀ Σ g.
    func variance(ofGradient gradient: [Double]) -> Double {
        var sum = 0.0
        for i in gradient.indices {
            for j in gradient.indices { sum += gradient[i] * self.matrix[i][j] * gradient[j] }
        }
        return max(sum, 0)
    }

    /// Why the covariance could not be computed.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// A gradient near the optimum was not finite.
        case nonFiniteHessian
        /// The observed information is not positive definite: the optimum is not a strict local
        /// maximum (a flat ridge or a boundary), so the data do not pin the parameters down.
        case notPositiveDefinite

        public var description: String {
            switch self {
            case .nonFiniteHessian: "the Hessian is not finite at the optimum"
            case .notPositiveDefinite: "the observed information is not positive definite (parameters not identified by the data)"
            }
        }
    }

    /// Computes the covariance from the gradient of the *negative* log-likelihood (total, not mean).
    ///
    /// Forward differences (one gradient per parameter beyond the one at the optimum) with a step
    /// of 1e-5 in the log-parameters: the Hessian's relative error is of the order of the step,
    /// far below what matters for standard errors, at half the cost of central differences.
    static func fromGradient(at point: [Double], step: Double = 1e-5, gradient: ([Double]) -> [Double]) -> Result<ParameterCovariance, Problem> {
        let n = point.count
        var hessian = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        let atPoint = gradient(point)
        for i in 0..<n {
            var moved = point
            moved[i] += step
            let gMoved = gradient(moved)
            for j in 0..<n { hessian[i][j] = (gMoved[j] - atPoint[j]) / step }
        }
        for i in 0..<n {
            for j in 0..<i {
                let mean = (hessian[i][j] + hessian[j][i]) / 2
                hessian[i][j] = mean
                hessian[j][i] = mean
            }
        }
        guard hessian.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return .failure(.nonFiniteHessian) }
        guard let inverse = Self.invertPositiveDefinite(hessian) else { return .failure(.notPositiveDefinite) }
        return .success(ParameterCovariance(matrix: inverse))
    }

    /// Inverse of a symmetric positive-definite matrix by Cholesky factorisation, or nil if the
    /// matrix is not (numerically) positive definite.
    static func invertPositiveDefinite(_ m: [[Double]]) -> [[Double]]? {
        let n = m.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        let scale = (0..<n).map { m[$0][$0] }.max() ?? 0
        for i in 0..<n {
            for j in 0...i {
                var sum = m[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 1e-13 * scale, sum.isFinite else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        // Solve L Lᵀ X = I column by column.
        var inverse = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for column in 0..<n {
            var y = Array(repeating: 0.0, count: n)
            for i in 0..<n {
                var sum = i == column ? 1.0 : 0.0
                for k in 0..<i { sum -= l[i][k] * y[k] }
                y[i] = sum / l[i][i]
            }
            var x = Array(repeating: 0.0, count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                var sum = y[i]
                for k in (i + 1)..<n { sum -= l[k][i] * x[k] }
                x[i] = sum / l[i][i]
            }
            for i in 0..<n { inverse[i][column] = x[i] }
        }
        guard inverse.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { return nil }
        return inverse
    }
}
