// libFuzzer entry point over SextantWire: the frame decoder and the binary WireDecoder.
//
// Input layout: byte 0 selects the mode (low 3 bits) and the limits (bit 7: strict WireLimits,
// sized from bits 3-6); the rest is the data. Errors thrown by the decoders are expected and
// ignored; a crash, a failed precondition, a timeout, a leak or an AddressSanitizer report is a
// bug. See README.md beside Package.swift.
import Foundation
import NIOCore
import SextantWire

// MARK: - Types decoded by the fuzzer

/// A nested message; `children` makes it recursive so depth limits are exercised.
struct FuzzContext: Codable, Equatable {
    var userID: Int64?
    var locale: String
    var flags: [Bool]
    var level: UInt8
    var children: [FuzzContext]?

    enum CodingKeys: Int, CodingKey {
        case userID = 1, locale = 2, flags = 3, level = 4, children = 5
    }
}

/// An enum with an `Int` raw value: a varint on the wire.
enum FuzzKind: Int, Codable, Equatable {
    case pageView = 0, click = 1, purchase = 7, custom = -3
}

/// An enum with associated values: a message with exactly one field.
enum FuzzAction: Codable, Equatable {
    case click(x: Int32, y: Int32)
    case view(String)
    case none

    enum CodingKeys: Int, CodingKey {
        case click = 1, view = 2, none = 3
    }
    enum ClickCodingKeys: Int, CodingKey {
        case x = 1, y = 2
    }
    enum ViewCodingKeys: Int, CodingKey {
        case _0 = 1
    }
}

/// A message whose "superclass" part is written through `superEncoder()` (field 0).
struct FuzzWithSuper: Codable, Equatable {
    var base: FuzzContext
    var extra: String?

    enum CodingKeys: Int, CodingKey {
        case extra = 1
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.base = try FuzzContext(from: container.superDecoder())
        self.extra = try container.decodeIfPresent(String.self, forKey: .extra)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try self.base.encode(to: container.superEncoder())
        try container.encodeIfPresent(self.extra, forKey: .extra)
    }
}

/// Mirrors a typical analytics event: most field kinds the wire format has.
struct FuzzEvent: Codable, Equatable {
    var id: UInt64
    var eventID: UUID
    var name: String
    var timestamp: Date
    var revenue: Decimal?
    var context: FuzzContext
    var properties: [String: JSONValue]
    var isTest: Bool
    var tags: [String?]
    var scores: [Int32?]
    var priority: Int8
    var ratio: Double?
    var weight: Float
    var blob: [UInt8]
    var counts: [Int: UInt16]
    var kind: FuzzKind
    var matrix: [[Int64]]
    var link: URL?
    var data: Data?
    var parent: FuzzContext?
    var action: FuzzAction?
    var small: Int16
    var unsigned: UInt?
    var sub: FuzzWithSuper?

    enum CodingKeys: Int, CodingKey {
        case id = 1, eventID = 2, name = 3, timestamp = 4, revenue = 5, context = 6, properties = 7
        case isTest = 8, tags = 9, scores = 10, priority = 11, ratio = 12, weight = 13, blob = 14
        case counts = 15, kind = 16, matrix = 17, link = 18, data = 19, parent = 20, action = 21
        case small = 22, unsigned = 23, sub = 24
    }

    /// Floating-point fields compare by bit pattern: NaN must survive a round trip as NaN, and
    /// -0.0 as -0.0, which `==` would not check.
    static func == (a: FuzzEvent, b: FuzzEvent) -> Bool {
        a.id == b.id && a.eventID == b.eventID && a.name == b.name
            && a.timestamp.timeIntervalSinceReferenceDate.bitPattern == b.timestamp.timeIntervalSinceReferenceDate.bitPattern
            && a.revenue == b.revenue && a.context == b.context && a.properties == b.properties
            && a.isTest == b.isTest && a.tags == b.tags && a.scores == b.scores && a.priority == b.priority
            && a.ratio?.bitPattern == b.ratio?.bitPattern && a.weight.bitPattern == b.weight.bitPattern
            && a.blob == b.blob && a.counts == b.counts && a.kind == b.kind && a.matrix == b.matrix
            && a.link == b.link && a.data == b.data && a.parent == b.parent && a.action == b.action
            && a.small == b.small && a.unsigned == b.unsigned && a.sub == b.sub
    }
}

// MARK: - Checks

/// Like `precondition`, but the message is printed in optimized builds too.
@inline(__always)
func check(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition { fail(message(), file: file, line: line) }
}

@inline(never)
func fail(_ message: String, file: StaticString = #file, line: UInt = #line) -> Never {
    FileHandle.standardError.write(Data("\nFUZZ CHECK FAILED: \(message)\n".utf8))
    fatalError(message, file: file, line: line)
}

/// The decoder used to read back a re-encoded value. Default limits, not the fuzzed ones: a
/// decoded value can legitimately re-encode a little larger than its input (a field the input
/// omitted is written with its default, e.g. ConnectionSettings.compression = []), which may
/// exceed a deliberately tiny limit.
let rereader = WireDecoder()

/// Decodes `type` from `bytes`; when that succeeds, the value must re-encode, decode again to an
/// equal value, and encode to the same bytes a second time.
@inline(never)
func roundTrip<T: Codable>(
    _ type: T.Type,
    _ bytes: UnsafeRawBufferPointer,
    _ decoder: WireDecoder,
    deterministic: Bool = true,
    equal: (T, T) -> Bool
) {
    guard let first = try? decoder.decode(type, from: bytes) else { return }
    let encoded: [UInt8]
    do {
        encoded = try WireEncoder().encode(first)
    } catch {
        fail("\(T.self): decoded, but re-encoding failed: \(error); value: \(first)")
    }
    let second: T
    do {
        second = try rereader.decode(type, from: encoded)
    } catch {
        fail("\(T.self): the re-encoding \(hex(encoded)) of a decoded value does not decode: \(error); value: \(first)")
    }
    check(equal(first, second), "\(T.self): round trip changed the value: \(first) became \(second)")
    guard deterministic else { return }
    let again: [UInt8]
    do {
        again = try WireEncoder().encode(second)
    } catch {
        fail("\(T.self): second encoding failed: \(error)")
    }
    check(again == encoded, "\(T.self): encoding is not stable: \(hex(encoded)) then \(hex(again))")
}

@inline(never)
func roundTrip<T: Codable & Equatable>(
    _ type: T.Type,
    _ bytes: UnsafeRawBufferPointer,
    _ decoder: WireDecoder,
    deterministic: Bool = true
) {
    roundTrip(type, bytes, decoder, deterministic: deterministic, equal: ==)
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

func decodeTypical(_ bytes: UnsafeRawBufferPointer, _ decoder: WireDecoder) {
    roundTrip(FuzzEvent.self, bytes, decoder)
    roundTrip([String: [Int?]].self, bytes, decoder)
    roundTrip(JSONValue.self, bytes, decoder)
    roundTrip(ConnectionSettings.self, bytes, decoder)
    roundTrip(GoAway.self, bytes, decoder)
}

func decodeScalarsAndCollections(_ bytes: UnsafeRawBufferPointer, _ decoder: WireDecoder) {
    roundTrip(String.self, bytes, decoder)
    roundTrip(String?.self, bytes, decoder)
    roundTrip(Int8.self, bytes, decoder)
    roundTrip(Int.self, bytes, decoder)
    roundTrip(UInt32.self, bytes, decoder)
    roundTrip(UInt64?.self, bytes, decoder)
    roundTrip(Bool.self, bytes, decoder)
    roundTrip(Double.self, bytes, decoder) { $0.bitPattern == $1.bitPattern }
    roundTrip(Float.self, bytes, decoder) { $0.bitPattern == $1.bitPattern }
    roundTrip(Date.self, bytes, decoder) {
        $0.timeIntervalSinceReferenceDate.bitPattern == $1.timeIntervalSinceReferenceDate.bitPattern
    }
    roundTrip(Decimal.self, bytes, decoder)
    roundTrip(UUID.self, bytes, decoder)
    roundTrip(URL.self, bytes, decoder)
    roundTrip([UInt8].self, bytes, decoder)
    roundTrip(Data.self, bytes, decoder)
    roundTrip([Int?].self, bytes, decoder)
    roundTrip([[String]].self, bytes, decoder)
    roundTrip([Int: String].self, bytes, decoder)
    roundTrip([UInt8: [Bool]].self, bytes, decoder, deterministic: false)
    roundTrip(Set<String>.self, bytes, decoder, deterministic: false)
    roundTrip([JSONValue].self, bytes, decoder)
    roundTrip([Decimal?].self, bytes, decoder)
    roundTrip([Double].self, bytes, decoder) { $0.map(\.bitPattern) == $1.map(\.bitPattern) }
    roundTrip(FuzzContext.self, bytes, decoder)
    roundTrip(FuzzAction.self, bytes, decoder)
    roundTrip(FuzzKind.self, bytes, decoder)
    roundTrip(FuzzWithSuper.self, bytes, decoder)
    roundTrip([FuzzAction?].self, bytes, decoder)
}

/// A small deterministic generator for chunk sizes, seeded from the input.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds `stream` to a FrameDecoder in chunks, as a channel would, taking every complete frame.
/// Each frame must account for exactly the bytes consumed and serialize back to them.
func decodeFrames(_ stream: UnsafeRawBufferPointer, expectPreface: Bool, control: UInt8, _ decoder: WireDecoder) {
    // control bits 0-1: the maximum frame size; bits 2-7: the chunking seed (0: all at once).
    let maxFrameSizes = [4 << 20, 16_384, 64, 0]
    let maxFrameSize = maxFrameSizes[Int(control & 3)]
    let seed = control >> 2
    var random = SplitMix(state: UInt64(seed) &* 0x1234_5678_9ABC_DEF1 &+ UInt64(stream.count))
    var frames = FrameDecoder(maxFrameSize: maxFrameSize, expectPreface: expectPreface)
    var buffer = ByteBufferAllocator().buffer(capacity: 0)
    var awaitingPreface = expectPreface
    var offset = 0
    var frameCount = 0

    while offset < stream.count {
        let chunk: Int
        if seed == 0 {
            chunk = stream.count - offset
        } else {
            // Mostly small chunks, sometimes large ones.
            let roll = random.next()
            chunk = min(stream.count - offset, roll & 7 == 0 ? Int(roll >> 8 & 1023) + 1 : Int(roll >> 8 & 15) + 1)
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: stream[offset..<(offset + chunk)]))
        offset += chunk

        while true {
            let before = buffer.readerIndex
            let snapshot = buffer  // get* only reaches readable bytes: keep a view from before
            let frame: Frame?
            do {
                frame = try frames.next(from: &buffer)
            } catch {
                return  // a framing error closes the connection
            }
            guard let frame else {
                // Only the preface may be consumed without a frame.
                let moved = buffer.readerIndex - before
                check(
                    moved == 0 || (awaitingPreface && moved == ConnectionPreface.bytes.count),
                    "next(from:) returned nil but consumed \(moved) bytes"
                )
                if moved > 0 { awaitingPreface = false }
                break
            }
            let prefaceBytes = awaitingPreface ? ConnectionPreface.bytes.count : 0
            awaitingPreface = false
            frameCount += 1
            let consumed = buffer.readerIndex - before
            check(
                consumed == prefaceBytes + FrameHeader.size + frame.payload.readableBytes,
                "frame consumed \(consumed) bytes for a \(frame.payload.readableBytes)-byte payload"
            )
            check(frame.payload.readableBytes <= maxFrameSize, "frame larger than maxFrameSize was returned")
            check(frame.kind.isKnown, "frame of unknown kind \(frame.kind) was returned")
            // Serializing the frame gives back exactly the input bytes.
            var rewritten = ByteBufferAllocator().buffer(capacity: consumed)
            rewritten.writeFrame(frame)
            let original = snapshot.getBytes(at: before + prefaceBytes, length: consumed - prefaceBytes)!
            check(Array(rewritten.readableBytesView) == original, "a frame did not serialize to its input bytes")

            switch frame.kind {
            case .settings:
                frame.payload.withUnsafeReadableBytes { roundTrip(ConnectionSettings.self, $0, decoder) }
            case .goAway:
                frame.payload.withUnsafeReadableBytes { roundTrip(GoAway.self, $0, decoder) }
            case .message:
                frame.payload.withUnsafeReadableBytes {
                    roundTrip(FuzzEvent.self, $0, decoder)
                    roundTrip(JSONValue.self, $0, decoder)
                }
            default:
                break
            }
            // What ByteToMessageHandler does between reads now and then.
            if frameCount % 3 == 0 { buffer.discardReadBytes() }
        }
    }
}

// MARK: - Entry point

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let selector = input[0]
    let decoder: WireDecoder
    if selector & 0x80 != 0 {
        // Strict limits, sized by bits 3-6.
        let knob = Int(selector >> 3 & 0x0F)
        decoder = WireDecoder(
            limits: WireLimits(maxDepth: 1 + knob % 6, maxElementCount: 1 + knob * 3, maxLength: 8 + knob * 40)
        )
    } else {
        decoder = WireDecoder()
    }
    let rest = UnsafeRawBufferPointer(rebasing: input[1...])

    switch selector & 7 {
    case 0, 1:
        // Frame stream; the first data byte controls chunking and the maximum frame size.
        guard let control = rest.first else { return 0 }
        decodeFrames(UnsafeRawBufferPointer(rebasing: rest[1...]), expectPreface: selector & 7 == 0, control: control, decoder)
    case 2:
        roundTrip(FuzzEvent.self, rest, decoder)
    case 3:
        roundTrip([String: [Int?]].self, rest, decoder)
    case 4:
        roundTrip(JSONValue.self, rest, decoder)
    case 5:
        roundTrip(ConnectionSettings.self, rest, decoder)
        roundTrip(GoAway.self, rest, decoder)
    case 6:
        decodeTypical(rest, decoder)
    default:
        decodeScalarsAndCollections(rest, decoder)
    }
    return 0
}
