#if canImport(FoundationEssentials)
import FoundationEssentials
#else
public import Foundation
#endif
public import NIOCore

/// Encodes `Encodable` values into Sextant's compact binary wire format.
///
/// Field numbers come from each `CodingKey`'s `intValue`; a key without one is an encoding error.
/// Declare coding keys with integer raw values and never reuse a number:
/// ```swift
/// struct Ping: Codable {
///     var id: UInt64
///     var note: String?
///     enum CodingKeys: Int, CodingKey { case id = 1, note = 2 }
/// }
/// let bytes = try WireEncoder().encode(Ping(id: 7, note: nil))  // [0x08, 0x07]
/// ```
/// The encoding is specified in `proto-spec/encoding.md`. An encoder holds no state between calls
/// and may be shared between threads.
public struct WireEncoder: Sendable {
    /// Values available to `encode(to:)` implementations through `Encoder.userInfo`.
    /// Default: empty.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates an encoder.
    /// - Parameter userInfo: Values passed to `encode(to:)` implementations; default empty.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Encodes `value` as a top-level payload.
    /// - Parameter value: The value to encode; RPC messages should be structs (keyed containers).
    /// - Returns: The encoded bytes.
    /// - Throws: `EncodingError.invalidValue` when a coding key has no valid field number, a
    ///   `Decimal` is NaN, or containers are used out of order (see `proto-spec/encoding.md`).
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let state = WireEncodingState(userInfo: self.userInfo)
        try state.encodeTopLevel(value)
        return state.bytes
    }

    /// Encodes `value` as a top-level payload and appends it to `buffer`.
    /// - Parameters:
    ///   - value: The value to encode.
    ///   - buffer: The buffer the bytes are written to.
    /// - Throws: As ``encode(_:)``; on error `buffer` is left unchanged.
    public func encode<T: Encodable>(_ value: T, into buffer: inout ByteBuffer) throws {
        let state = WireEncodingState(userInfo: self.userInfo)
        try state.encodeTopLevel(value)
        buffer.writeBytes(state.bytes)
    }
}
