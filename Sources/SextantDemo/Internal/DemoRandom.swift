import Foundation

/// The demo generator's pseudo-random numbers: xoshiro256** seeded through SplitMix64.
///
/// Every draw is computed here (no `Int.random(in:using:)`, whose algorithm the standard library
/// does not promise to keep), so the same seed gives the same numbers on every Swift version.
/// The continuous distributions use `log`, `sqrt` and `cos` from the platform's C library; on one
/// platform they are reproducible bit for bit.
struct DemoRandom: RandomNumberGenerator {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator for `seed`; `stream` selects an independent sequence for the same seed (one per
    /// profile, one for the catalog, …), so the parts of the demo do not shift each other's draws.
    init(seed: UInt64, stream: UInt64 = 0) {
        var state = seed &+ stream &* 0xD1B5_4A32_D192_ED03
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        self.s0 = splitMix()
        self.s1 = splitMix()
        self.s2 = splitMix()
        self.s3 = splitMix()
    }

    mutating func next() -> UInt64 {
        let result = ((self.s1 &* 5) << 7 | (self.s1 &* 5) >> 57) &* 9
        let t = self.s1 << 17
        self.s2 ^= self.s0
        self.s3 ^= self.s1
        self.s1 ^= self.s2
        self.s0 ^= self.s3
        self.s2 ^= t
        self.s3 = self.s3 << 45 | self.s3 >> 19
        return result
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(self.next() >> 11) * 0x1p-53 }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { self.unit() < p }

    /// Uniform in 0..<n (n > 0); the modulo bias is below 2^-40 for the sizes used here.
    mutating func below(_ n: Int) -> Int { Int(self.next() % UInt64(n)) }

    /// Uniform in `range`.
    mutating func between(_ range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(self.next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// Exponential with the given mean.
    mutating func exponential(mean: Double) -> Double { -log(1 - self.unit()) * mean }

    /// Standard normal (Box–Muller; one of the pair is dropped to keep the state simple).
    mutating func normal() -> Double {
        let u1 = 1 - self.unit()
        let u2 = self.unit()
        return sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
    }

    /// Gamma(shape, scale), mean shape × scale (Marsaglia–Tsang).
    mutating func gamma(shape: Double, scale: Double) -> Double {
        if shape < 1 {
            return self.gamma(shape: shape + 1, scale: scale) * pow(1 - self.unit(), 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / sqrt(9 * d)
        while true {
            var x: Double
            var v: Double
            repeat {
                x = self.normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = 1 - self.unit()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }

    /// Poisson with a small mean (Knuth's method; means here are below 30).
    mutating func poisson(mean: Double) -> Int {
        let limit = exp(-mean)
        var k = 0
        var p = self.unit()
        while p > limit {
            k += 1
            p *= self.unit()
        }
        return k
    }

    /// An index drawn with probability proportional to `cumulative[i] - cumulative[i-1]`
    /// (`cumulative` ascending, last element the total).
    mutating func pick(cumulative: [Double]) -> Int {
        let target = self.unit() * cumulative[cumulative.count - 1]
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
