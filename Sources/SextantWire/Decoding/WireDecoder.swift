#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import NIOCore

/// Decodes `Decodable` values from Sextant's binary wire format.
///
/// Unknown fields are skipped and a missing optional field decodes as `nil`, so old and new
/// versions of a message read each other. Input is untrusted: every length, count and nesting
/// depth is checked against ``limits`` before anything is allocated, and every failure is a
/// `DecodingError` whose coding path and message say what was wrong.
/// ```swift
/// let ping = try WireDecoder().decode(Ping.self, from: bytes)
/// ```
public struct WireDecoder: Sendable {
    /// Bounds on untrusted input. Default: ``WireLimits/defaults``.
    public var limits: WireLimits
    /// Values available to `init(from:)` implementations through `Decoder.userInfo`. Default: empty.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    /// - Parameters:
    ///   - limits: Bounds on untrusted input; default ``WireLimits/defaults``.
    ///   - userInfo: Values passed to `init(from:)` implementations; default empty.
    public init(limits: WireLimits = .defaults, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.limits = limits
        self.userInfo = userInfo
    }

    /// Decodes a top-level payload.
    /// - Parameters:
    ///   - type: The type to decode.
    ///   - bytes: The payload.
    /// - Returns: The decoded value.
    /// - Throws: `DecodingError` naming the coding path and the problem.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        let state = WireDecodingState(bytes: bytes, limits: self.limits, userInfo: self.userInfo)
        return try state.decodeTopLevel(type)
    }

    /// Decodes a top-level payload held in an array.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try self.decode(type, from: $0) }
    }

    /// Decodes a top-level payload held in `Data`.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { try self.decode(type, from: $0) }
    }

    /// Decodes the readable bytes of `buffer` as a top-level payload; the reader index is unchanged.
    public func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try buffer.withUnsafeReadableBytes { try self.decode(type, from: $0) }
    }
}
