import Foundation
import NIOCore
import SextantRPC
import SextantTesting
import SextantWire
import Testing

// Checks every frame and preface vector in proto-spec/vectors/ both ways: the committed hex
// parses (FrameDecoder) into the header fields and payload value below, and (unless the file
// says "direction": "decode") the Swift frame serializes to exactly that hex. Value vectors are
// checked in SextantWireTests/GoldenVectorTests.swift.

@Suite("Golden vectors: frames")
struct GoldenFrameVectorTests {
    /// Every name that has a vector file of kind "frame" or "preface", a Swift counterpart, or both.
    static let names: [String] = {
        let files = (try? GoldenVectorFiles.load(kinds: ["frame", "preface"])) ?? [:]
        return Set(files.keys).union(GoldenFrames.table.keys).sorted()
    }()

    @Test(arguments: Self.names)
    func vector(_ name: String) throws {
        let files = try GoldenVectorFiles.load(kinds: ["frame", "preface"])
        let file = try #require(files[name], "the Swift table has \(name) but proto-spec/vectors/\(name).json is missing")
        let golden = try #require(GoldenFrames.table[name], "proto-spec/vectors/\(name).json has no Swift counterpart in GoldenFrames.table")
        let bytes = try #require(GoldenVectorFiles.bytes(hex: file.hex), "hex of \(name) is not lowercase hex pairs")
        #expect((file.kind == "preface") == golden.isPreface, "\(name): kind \(file.kind)")

        // Bytes -> frame: exactly one frame (after the magic, for the preface), nothing left over.
        var buffer = ByteBuffer(bytes: bytes)
        var decoder = FrameDecoder(maxFrameSize: 4 << 20, expectPreface: golden.isPreface)
        let frame = try #require(try decoder.next(from: &buffer), "\(name): no complete frame in the vector")
        #expect(buffer.readableBytes == 0, "\(name): \(buffer.readableBytes) bytes after the frame")
        #expect(frame.kind == golden.kind, "\(name): kind")
        #expect(frame.flags == golden.flags, "\(name): flags")
        #expect(frame.streamID == golden.streamID, "\(name): stream id")
        let mismatch = try golden.checkPayload(Array(frame.payload.readableBytesView))
        #expect(mismatch == nil, "\(name): \(mismatch ?? "")")

        // Frame -> bytes. A decode-only vector holds bytes a sender need not produce (defaults
        // left out, one particular zlib stream), so only the parsing direction is checked.
        if file.direction != .decode {
            #expect(GoldenVectorFiles.hex(try golden.serialize()) == file.hex, "\(name): serialized frame differs from the vector")
        }
    }
}

// MARK: - Swift counterparts

/// The Swift side of one frame vector: header fields, how to build the payload, and how to check
/// a parsed payload.
private struct GoldenFrame {
    var kind: FrameKind
    var flags: FrameFlags
    var streamID: UInt32
    var isPreface = false
    /// The payload bytes the Swift side sends.
    var payload: () throws -> [UInt8]
    /// `nil` when a parsed payload matches, else a description of the difference.
    var checkPayload: ([UInt8]) throws -> String?

    /// The frame's bytes, preceded by the connection magic for the preface.
    func serialize() throws -> [UInt8] {
        var buffer = ByteBuffer()
        if self.isPreface { buffer.writeBytes(ConnectionPreface.bytes) }
        buffer.writeFrame(Frame(kind: self.kind, flags: self.flags, streamID: self.streamID, payload: ByteBuffer(bytes: try self.payload())))
        return Array(buffer.readableBytesView)
    }

    /// A payload that is one wire-encoded value.
    static func encoded<T: Codable & Equatable>(
        _ kind: FrameKind,
        _ flags: FrameFlags = [],
        stream: UInt32,
        _ value: T
    ) -> GoldenFrame {
        GoldenFrame(
            kind: kind,
            flags: flags,
            streamID: stream,
            payload: { try WireEncoder().encode(value) },
            checkPayload: { bytes in
                let decoded = try WireDecoder().decode(T.self, from: bytes)
                return decoded == value ? nil : "decoded \(decoded), expected \(value)"
            }
        )
    }

    /// A payload of raw bytes (PING, PONG, WINDOW_UPDATE, CANCEL, the NO_MESSAGE half-close).
    static func raw(_ kind: FrameKind, _ flags: FrameFlags = [], stream: UInt32, _ bytes: [UInt8]) -> GoldenFrame {
        GoldenFrame(
            kind: kind,
            flags: flags,
            streamID: stream,
            payload: { bytes },
            checkPayload: { $0 == bytes ? nil : "payload \($0), expected \(bytes)" }
        )
    }

    /// A COMPRESSED message: the payload inflates to the encoding of `value`. Swift's own
    /// compressed bytes (zlib level 1) need not equal the vector's, so such vectors are decode-only.
    static func compressed<T: Codable & Equatable>(stream: UInt32, endStream: Bool, _ value: T) -> GoldenFrame {
        GoldenFrame(
            kind: .message,
            flags: endStream ? [.compressed, .endStream] : [.compressed],
            streamID: stream,
            payload: {
                let message = ByteBuffer(bytes: try WireEncoder().encode(value))
                return Array((MessageCompression.compress(message) ?? message).readableBytesView)
            },
            checkPayload: { bytes in
                let inflated = try MessageCompression.decompress(ByteBuffer(bytes: bytes), limit: 4 << 20)
                let decoded = try WireDecoder().decode(T.self, from: inflated)
                return decoded == value ? nil : "decoded \(decoded), expected \(value)"
            }
        )
    }
}

private enum GoldenFrames {
    static func metadata(_ entries: [(String, MetadataValue)]) -> Metadata {
        var metadata = Metadata()
        for (key, value) in entries {
            switch value {
            case .string(let text): metadata.addString(text, forKey: key)
            case .binary(let bytes): metadata.addBinary(bytes, forKey: key)
            }
        }
        return metadata
    }

    /// Vector name -> Swift frame. Keep in step with proto-spec/vectors/*.json.
    static var table: [String: GoldenFrame] {
        // One statement per vector: a single dictionary literal is too much for the type checker.
        var t: [String: GoldenFrame] = [:]
        var preface = GoldenFrame.encoded(.settings, stream: 0, ConnectionSettings.defaults)
        preface.isPreface = true
        t["preface-default-settings"] = preface
        t["frame-settings-custom"] = GoldenFrame.encoded(
            .settings,
            stream: 0,
            ConnectionSettings(maxFrameSize: 16_384, initialWindowSize: 65_535, maxConcurrentStreams: 100, compression: [])
        )
        t["frame-settings-empty"] = GoldenFrame.encoded(.settings, stream: 0, ConnectionSettings.defaults { $0.compression = [] })
        t["frame-headers-request"] = GoldenFrame.encoded(
            .headers,
            stream: 1,
            RequestHeadersPayload(
                method: "sextant.health.v1.Health/Check",
                timeoutMicroseconds: 5_000_000,
                metadata: Self.metadata([("x-request-id", .string("abc")), ("trace-bin", .binary([0x00, 0x01, 0xFF]))])
            )
        )
        t["frame-headers-request-minimal"] = GoldenFrame.encoded(
            .headers,
            .endStream,
            stream: 3,
            RequestHeadersPayload(method: "sextant.ingest.v1.Ingest/Flush", timeoutMicroseconds: nil, metadata: Metadata())
        )
        t["frame-headers-response"] = GoldenFrame.encoded(
            .headers,
            stream: 1,
            ResponseHeadersPayload(metadata: Self.metadata([("server-region", .string("eu-1"))]))
        )
        t["frame-message-request-end-stream"] = GoldenFrame.encoded(
            .message,
            .endStream,
            stream: 1,
            HealthCheckRequest(service: "sextant.ingest.v1.Ingest")
        )
        t["frame-message-empty-payload"] = GoldenFrame.encoded(.message, .endStream, stream: 3, HealthCheckRequest(service: nil))
        t["frame-message-response"] = GoldenFrame.encoded(.message, stream: 1, HealthCheckResponse(status: .serving))
        t["frame-message-half-close"] = GoldenFrame.raw(.message, [.endStream, .noMessage], stream: 1, [])
        t["frame-message-compressed"] = GoldenFrame.compressed(
            stream: 5,
            endStream: true,
            HealthCheckRequest(service: "sextant." + String(repeating: "abc", count: 400))
        )
        t["frame-status-ok"] = GoldenFrame.encoded(.status, stream: 1, StatusPayload(status: .ok, trailers: Metadata()))
        t["frame-status-error"] = GoldenFrame.encoded(
            .status,
            stream: 5,
            StatusPayload(
                status: Status(code: .permissionDenied, message: "caller web may not call sextant.ingest.v1.Ingest/Purge"),
                trailers: Metadata()
            )
        )
        t["frame-status-trailers"] = GoldenFrame.encoded(
            .status,
            stream: 3,
            StatusPayload(
                status: Status(code: .notFound, message: "no account 42"),
                trailers: Self.metadata([("retry-after-ms", .string("100"))])
            )
        )
        t["frame-cancel"] = GoldenFrame.raw(.cancel, stream: 7, [])
        t["frame-ping"] = GoldenFrame.raw(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        t["frame-pong"] = GoldenFrame.raw(.pong, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        t["frame-goaway-no-error"] = GoldenFrame.encoded(
            .goAway,
            stream: 0,
            GoAway(lastStreamID: 9, errorCode: .noError, message: "the server is shutting down")
        )
        t["frame-goaway-frame-too-large"] = GoldenFrame.encoded(
            .goAway,
            stream: 0,
            GoAway(lastStreamID: 0, errorCode: .frameTooLarge, message: "frame exceeds the negotiated maximum")
        )
        t["frame-window-update"] = GoldenFrame.raw(.windowUpdate, stream: 1, [0x00, 0x08, 0x00, 0x00])
        return t
    }
}
