/// Bounds a decoder enforces on untrusted input, each checked before any memory is allocated.
///
/// The defaults suit RPC payloads, which the frame layer already caps at the negotiated maximum
/// frame size (4 MiB by default). Adjust with ``defaults`` and a closure:
/// ```swift
/// let limits = WireLimits.defaults { $0.maxDepth = 16 }
/// ```
public struct WireLimits: Hashable, Sendable {
    /// How deeply messages and sequences may nest. Default: 64.
    public var maxDepth: Int
    /// The most elements one sequence or dictionary may hold (a dictionary entry counts twice).
    /// Default: 1,048,576.
    public var maxElementCount: Int
    /// The longest length-delimited value (string, bytes, message, sequence) in bytes.
    /// Default: 16 MiB (16,777,216).
    public var maxLength: Int

    /// The default limits.
    public static var defaults: WireLimits {
        WireLimits(maxDepth: 64, maxElementCount: 1 << 20, maxLength: 16 << 20)
    }

    /// The default limits, adjusted by `configure`.
    public static func defaults(_ configure: (inout WireLimits) -> Void) -> WireLimits {
        var limits = WireLimits.defaults
        configure(&limits)
        return limits
    }

    /// Creates limits with explicit values; see the properties for their meaning.
    public init(maxDepth: Int, maxElementCount: Int, maxLength: Int) {
        self.maxDepth = maxDepth
        self.maxElementCount = maxElementCount
        self.maxLength = maxLength
    }
}
