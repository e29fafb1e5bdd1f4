import Foundation

/// Which buy-till-you-die purchase model: the two differ only in when a customer may drop out.
public enum PurchaseModelKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// BG/NBD (Fader, Hardie & Lee 2005): a customer may drop out only right after a repeat
    /// purchase, so a customer who bought once is certainly still "alive".
    case bgnbd
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007): a customer may also drop out right after
    /// the first purchase, so one-time buyers grow likelier to have churned as time passes.
    case modifiedBGNBD

    public var description: String {
        switch self {
        case .bgnbd: "BG/NBD"
        case .modifiedBGNBD: "MBG/NBD"
        }
    }

    /// 0 for BG/NBD, 1 for MBG/NBD: the number of extra dropout opportunities a customer has had,
    /// which shifts the Beta posterior of the dropout probability (b + x becomes b + x + 1).
    var dropoutShift: Int {
        switch self {
        case .bgnbd: 0
        case .modifiedBGNBD: 1
        }
    }
}

/// The four parameters of BG/NBD and MBG/NBD.
///
/// Purchase rates λ are Gamma(r, α) across customers (α is a rate, in the model's time unit), and
/// dropout probabilities p are Beta(a, b). All four are positive; fitting works on their logarithms.
public struct BGNBDParameters: Sendable, Hashable, CustomStringConvertible {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The parameters from their logarithms, in the order r, α, a, b.
    public init(logParameters θ: [Double]) {
        precondition(θ.count == 4, "BG/NBD has four parameters")
        self.init(r: exp(θ[0]), alpha: exp(θ[1]), a: exp(θ[2]), b: exp(θ[3]))
    }

    /// The logarithms of r, α, a, b: the space in which the model is fitted and its covariance given.
    public var logParameters: [Double] {
        [log(self.r), log(self.alpha), log(self.a), log(self.b)]
    }

    public static let names = ["r", "alpha", "a", "b"]

    public var values: [Double] { [self.r, self.alpha, self.a, self.b] }

    public var description: String {
        "r=\(self.r) alpha=\(self.alpha) a=\(self.a) b=\(self.b)"
    }
}

/// The three parameters of the Gamma-Gamma spend model (Fader & Hardie 2013).
///
/// A customer's transaction values are Gamma(p, ν); ν varies across customers as Gamma(q, γ).
public struct GammaGammaParameters: Sendable, Hashable, CustomStringConvertible {
    public var p: Double
    public var q: Double
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The parameters from their logarithms, in the order p, q, γ.
    public init(logParameters θ: [Double]) {
        precondition(θ.count == 3, "Gamma-Gamma has three parameters")
        self.init(p: exp(θ[0]), q: exp(θ[1]), gamma: exp(θ[2]))
    }

    public var logParameters: [Double] {
        [log(self.p), log(self.q), log(self.gamma)]
    }

    public static let names = ["p", "q", "gamma"]

    public var values: [Double] { [self.p, self.q, self.gamma] }

    public var description: String {
        "p=\(self.p) q=\(self.q) gamma=\(self.gamma)"
    }
}
