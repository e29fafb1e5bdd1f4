/// Tells a hand-written `encode(to:)` or `init(from:)` whether it is talking to Sextant's wire
/// coder, so a hot message can write or read a field's bytes itself (producing exactly what the
/// generic path would) and still code normally with JSON or any other coder.
public enum WireCodingCheck {
    /// True when `encoder` is a ``WireEncoder``'s.
    public static func isWire(_ encoder: any Encoder) -> Bool { encoder is WireValueEncoder }

    /// True when `decoder` is a ``WireDecoder``'s.
    public static func isWire(_ decoder: any Decoder) -> Bool { decoder is WireValueDecoder }
}
