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

// MARK: - Seed corpus

/// With `SEXTANT_FUZZ_WRITE_SEEDS=<dir>` in the environment the binary writes the hand-made seed
/// inputs (valid encodings made by the real WireEncoder, framed by the real frame writer, each
/// behind its mode byte) into `<dir>` and exits without fuzzing. `run.sh` does this before every
/// run, so the seeds follow the types above.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    guard let directory = ProcessInfo.processInfo.environment["SEXTANT_FUZZ_WRITE_SEEDS"] else { return 0 }
    do {
        let count = try writeSeeds(to: URL(fileURLWithPath: directory, isDirectory: true))
        print("wrote \(count) seed inputs to \(directory)")
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("writing seeds failed: \(error)\n".utf8))
        exit(1)
    }
}

enum Mode: UInt8 {
    case framesWithPreface = 0, framesWithoutPreface = 1, event = 2, stringToInts = 3, json = 4, settingsAndGoAway = 5
    case typical = 6, scalars = 7
}

func sampleJSON() -> JSONValue {
    [
        "plan": "pro",
        "seats": 12,
        "price": .number(Decimal(string: "-1234.5600")!),
        "big": .number(Decimal(string: "123456789012345678901234567890")!),
        "tiny": .number(Decimal(string: "0.000000000001")!),
        "active": true,
        "coupon": nil,
        "tags": ["a", "b", ["nested": [1, 2, 3]]],
        "ünï": "çødé ✓",
    ]
}

func sampleContext(depth: Int) -> FuzzContext {
    FuzzContext(
        userID: depth.isMultiple(of: 2) ? Int64.min + Int64(depth) : nil,
        locale: "en-GB",
        flags: [true, false, true],
        level: UInt8(depth),
        children: depth == 0 ? nil : [sampleContext(depth: depth - 1), FuzzContext(userID: 7, locale: "", flags: [], level: 0, children: [])]
    )
}

func sampleEvent() -> FuzzEvent {
    FuzzEvent(
        id: UInt64.max,
        eventID: UUID(uuid: (0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d, 0xef, 0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef)),
        name: "checkout.completed",
        timestamp: Date(timeIntervalSinceReferenceDate: 786_000_000.125),
        revenue: Decimal(string: "-12.50"),
        context: sampleContext(depth: 3),
        properties: ["cart": sampleJSON(), "empty": [:], "list": []],
        isTest: true,
        tags: ["x", nil, ""],
        scores: [Int32.min, nil, 0, Int32.max],
        priority: -128,
        ratio: -0.0,
        weight: .infinity,
        blob: [0, 1, 2, 0xff],
        counts: [-1: 1, 0: 0, 300: UInt16.max],
        kind: .custom,
        matrix: [[1, -1], [], [Int64.max]],
        link: URL(string: "https://example.com/a?b=c#d"),
        data: Data([0xde, 0xad]),
        parent: FuzzContext(userID: nil, locale: "fr", flags: [], level: 255, children: nil),
        action: .click(x: -5, y: 70_000),
        small: Int16.min,
        unsigned: 0,
        sub: try? WireDecoder().decode(FuzzWithSuper.self, from: try! WireEncoder().encode(SuperSeed()))
    )
}

/// Encodes like FuzzWithSuper without needing its decoder-only initializer.
struct SuperSeed: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FuzzWithSuper.CodingKeys.self)
        try sampleContext(depth: 1).encode(to: container.superEncoder())
        try container.encode("extra", forKey: .extra)
    }
}

func minimalEvent() -> FuzzEvent {
    FuzzEvent(
        id: 0, eventID: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), name: "", timestamp: Date(timeIntervalSinceReferenceDate: 0),
        revenue: nil, context: FuzzContext(userID: nil, locale: "", flags: [], level: 0, children: nil), properties: [:],
        isTest: false, tags: [], scores: [], priority: 0, ratio: nil, weight: 0, blob: [], counts: [:], kind: .pageView,
        matrix: [], link: nil, data: nil, parent: nil, action: nil, small: 0, unsigned: nil, sub: nil
    )
}

func writeSeeds(to directory: URL) throws -> Int {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let encoder = WireEncoder()
    var count = 0
    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
        count += 1
    }
    func value<T: Encodable>(_ name: String, _ mode: Mode, _ value: T, strict: UInt8? = nil) throws {
        let payload = try encoder.encode(value)
        try write("\(mode)-\(name)", [mode.rawValue] + payload)
        if let strict {
            // The same payload under strict limits (bit 7, knob in bits 3-6).
            try write("\(mode)-strict-\(name)", [0x80 | (strict & 0x0F) << 3 | mode.rawValue] + payload)
        }
    }

    // The seeds must be valid: check the richest one decodes back to what was encoded.
    let event = sampleEvent()
    guard event.sub != nil, try WireDecoder().decode(FuzzEvent.self, from: try encoder.encode(event)) == event else {
        fail("the sample event does not round-trip")
    }

    // Values.
    try value("full", .event, sampleEvent(), strict: 5)
    try value("minimal", .event, minimalEvent())
    try value("event-full", .typical, sampleEvent())
    try value("sample", .stringToInts, ["": [], "a": [1, nil, -1], "b": [Int.min, Int.max]] as [String: [Int?]], strict: 2)
    try value("object", .json, sampleJSON(), strict: 3)
    try value("string", .json, JSONValue.string("just a string"))
    try value("deep", .json, (0..<40).reduce(JSONValue.null) { inner, _ in .array([inner]) })
    try value("settings-default", .settingsAndGoAway, ConnectionSettings.defaults)
    try value("settings-custom", .settingsAndGoAway, ConnectionSettings(maxFrameSize: 16_384, initialWindowSize: 0, maxConcurrentStreams: UInt32.max, compression: ["zlib", "zstd"]))
    try value("goaway", .settingsAndGoAway, GoAway(lastStreamID: 41, errorCode: .protocolError, message: "frame exceeds the negotiated maximum"))
    try value("string", .scalars, "héllo, wörld ✓")
    try value("int", .scalars, Int.min)
    try value("uint32", .scalars, UInt32.max)
    try value("double", .scalars, Double.pi)
    try value("date", .scalars, Date(timeIntervalSinceReferenceDate: -1.5))
    try value("decimal", .scalars, Decimal(string: "-0.000123")!)
    try value("uuid", .scalars, sampleEvent().eventID)
    try value("url", .scalars, URL(string: "sextant://host:7443/path?q=1")!)
    try value("optional-ints", .scalars, [1, nil, -300, nil] as [Int?])
    try value("nested-strings", .scalars, [["a", "b"], [], ["ç"]])
    try value("int-dict", .scalars, [-1: "x", 5: "", 1 << 40: "big"] as [Int: String])
    try value("json-list", .scalars, [sampleJSON(), .null, 3])
    try value("decimals", .scalars, [Decimal(string: "1.5"), nil, Decimal(0)])
    try value("context-deep", .scalars, sampleContext(depth: 6), strict: 1)
    try value("action-click", .scalars, FuzzAction.click(x: 1, y: -1))
    try value("action-view", .scalars, FuzzAction.view("home"))
    try value("action-none", .scalars, FuzzAction.none)
    try value("actions", .scalars, [FuzzAction.view("a"), nil, .none] as [FuzzAction?])
    try value("super", .scalars, SuperSeed())

    // Frame streams: the control byte after the mode byte picks the maximum frame size (bits 0-1)
    // and the chunking seed (bits 2-7, 0 = one chunk).
    var stream = ByteBuffer()
    ConnectionPreface.write(settings: .defaults, into: &stream)
    func frame(_ kind: FrameKind, flags: FrameFlags = [], stream id: UInt32, _ payload: [UInt8]) {
        stream.writeFrame(Frame(kind: kind, flags: flags, streamID: id, payload: ByteBuffer(bytes: payload)))
    }
    frame(.headers, stream: 1, Array("/sextant.Echo/Say".utf8))
    frame(.message, stream: 1, try encoder.encode(sampleEvent()))
    frame(.message, flags: [.endStream], stream: 1, try encoder.encode(sampleJSON()))
    frame(.message, flags: [.endStream, .noMessage], stream: 3, [])
    frame(.windowUpdate, stream: 1, [0x80, 0x80, 0x04])
    frame(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
    frame(.pong, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
    frame(.status, stream: 1, [0x08, 0x00])
    frame(.cancel, stream: 3, [])
    frame(.goAway, stream: 0, try encoder.encode(GoAway(lastStreamID: 3, errorCode: .noError, message: "bye")))
    let bytes = Array(stream.readableBytesView)
    try write("frames-preface-whole", [Mode.framesWithPreface.rawValue, 0x00] + bytes)
    try write("frames-preface-chunked", [Mode.framesWithPreface.rawValue, 0x05 << 2] + bytes)
    try write("frames-preface-small-max", [Mode.framesWithPreface.rawValue, 0x01 | 0x09 << 2] + bytes)
    let withoutPreface = Array(bytes.dropFirst(ConnectionPreface.bytes.count))
    try write("frames-nopreface-whole", [Mode.framesWithoutPreface.rawValue, 0x00] + withoutPreface)
    try write("frames-nopreface-chunked", [Mode.framesWithoutPreface.rawValue, 0x21 << 2] + withoutPreface)
    try write("frames-nopreface-tiny-max", [Mode.framesWithoutPreface.rawValue, 0x02] + withoutPreface)
    return count
}
