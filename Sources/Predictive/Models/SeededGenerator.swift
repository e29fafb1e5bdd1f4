import Foundation

/// A small, fast, seeded random number generator (SplitMix64, Steele, Lea & Flood 2014), so that
/// simulated data sets in tests and benchmarks are the same on every run and every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in the open interval (0, 1), never exactly 0 (so its logarithm is finite).
    public mutating func uniform() -> Double {
        (Double(self.next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        (-2 * log(self.uniform())).squareRoot() * cos(2 * Double.pi * self.uniform())
    }

    /// Exponential with the given rate.
    public mutating func exponential(rate: Double) -> Double {
        -log(self.uniform()) / rate
    }

    /// Gamma with the given shape and rate (Marsaglia & Tsang 2000; shape < 1 by boosting to
    /// shape + 1 and multiplying by U^(1/shape)).
    public mutating func gamma(shape: Double, rate: Double) -> Double {
        if shape < 1 {
            return self.gamma(shape: shape + 1, rate: rate) * pow(self.uniform(), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = self.normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = self.uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v / rate }
        }
    }

    /// Beta(a, b) as G₁ / (G₁ + G₂) with Gᵢ gamma-distributed.
    public mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = self.gamma(shape: a, rate: 1)
        let y = self.gamma(shape: b, rate: 1)
        return x / (x + y)
    }
}
