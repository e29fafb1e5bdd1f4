import SextantWire
import SextantTesting
import Testing

private struct StringKeyed: Codable {
    var name: String
}

private struct Holder: Codable {
    var inner: StringKeyed
    enum CodingKeys: Int, CodingKey { case inner = 3 }
}

private struct Numbers: Codable {
    var small: Int8
    var flag: Bool
    var text: String
    enum CodingKeys: Int, CodingKey { case small = 1, flag = 2, text = 3 }
}

extension Numbers {
    /// Field 1 only, optional: reads the last of many repeats.
    struct OptionalFirst: Codable {
        var first: Int64?
        enum CodingKeys: Int, CodingKey { case first = 1 }
    }
}

private indirect enum Tree: Codable {
    case leaf
    case node([Tree])

    enum CodingKeys: Int, CodingKey { case leaf = 1, node = 2 }
    enum NodeCodingKeys: Int, CodingKey { case _0 = 1 }
}

/// Uses two nested containers out of order, which the streaming encoder refuses.
private struct Interleaved: Encodable {
    enum CodingKeys: Int, CodingKey { case a = 1, b = 2 }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var a = container.nestedUnkeyedContainer(forKey: .a)
        var b = container.nestedUnkeyedContainer(forKey: .b)
        try b.encode(2)
        try a.encode(1)
    }
}

@Suite("Wire errors and hostile input")
struct WireErrorTests {
    @Test func keyWithoutFieldNumberNamesTypeAndKey() throws {
        do {
            _ = try WireEncoder().encode(Holder(inner: StringKeyed(name: "x")))
            Issue.record("encoding succeeded")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.debugDescription.contains("'name'"))
            #expect(context.debugDescription.contains("StringKeyed"))
            #expect(context.codingPath.first?.intValue == 3)
        }
    }

    @Test func outOfOrderContainersAreRefused() {
        #expect(throws: EncodingError.self) { try WireEncoder().encode(Interleaved()) }
    }

    @Test(arguments: [
        ([0x08, 0x80, 0x02, 0x10, 0x01, 0x1A, 0x00] as [UInt8], "does not fit Int8"),
        ([0x08, 0x02, 0x10, 0x02, 0x1A, 0x00], "Bool must be 0 or 1"),
        ([0x08, 0x02, 0x10, 0x01, 0x1A, 0x02, 0xC3, 0x28], "UTF-8"),
        ([0x08, 0x02, 0x10, 0x01, 0x1A, 0x05, 0x61], "runs past"),
        ([0x08, 0x02, 0x10, 0x01, 0x1A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], "exceeds the limit"),
        ([0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], "longer than 64 bits"),
        ([0x08, 0x80], "truncated varint"),
        ([0x0B, 0x00], "invalid wire type"),
        ([0x09, 0x00, 0x00], "truncated fixed64"),
        ([0x10, 0x01, 0x1A, 0x00, 0x0A, 0x00], "Int8 (varint) but found a length-delimited"),
    ])
    func malformedInputIsAClearDecodingError(bytes: [UInt8], expected: String) {
        do {
            let value = try WireDecoder().decode(Numbers.self, from: bytes)
            Issue.record("decoded \(value) from malformed input")
        } catch let error as DecodingError {
            #expect("\(error)".contains(expected), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func int8RangeIsChecked() throws {
        // zigzag(200) = 400 = 0x90 0x03
        let bytes: [UInt8] = [0x08, 0x90, 0x03, 0x10, 0x01, 0x1A, 0x00]
        #expect(throws: DecodingError.self) { try WireDecoder().decode(Numbers.self, from: bytes) }
    }

    @Test func hugeLengthIsRefusedBeforeAllocating() {
        // A sequence claiming 2^40 bytes inside an 8-byte input.
        let bytes: [UInt8] = [0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x00, 0x00]
        #expect(throws: DecodingError.self) { try WireDecoder().decode([[Int]].self, from: [0x02] + bytes) }
    }

    @Test func nestingDepthIsLimited() throws {
        var tree = Tree.leaf
        for _ in 0..<100 { tree = .node([tree]) }
        let bytes = try WireEncoder().encode(tree)
        #expect(throws: DecodingError.self) { try WireDecoder().decode(Tree.self, from: bytes) }
        let shallow = WireDecoder(limits: .defaults { $0.maxDepth = 1000 })
        _ = try shallow.decode(Tree.self, from: bytes)
    }

    @Test func elementCountIsLimited() throws {
        let bytes = try WireEncoder().encode(Array(repeating: 1, count: 100))
        let strict = WireDecoder(limits: .defaults { $0.maxElementCount = 10 })
        #expect(throws: DecodingError.self) { try strict.decode([Int].self, from: bytes) }
        #expect(try WireDecoder().decode([Int].self, from: bytes).count == 100)
    }

    /// Found by the fuzzer (Fuzz/crashes/timeout-scanmessage-quadratic): fields in descending
    /// order followed by many repeats made scanning quadratic. Now linear: 2 MiB decode at once.
    @Test(.timeLimit(.minutes(1))) func shuffledAndRepeatedFieldsScanInLinearTime() throws {
        var bytes: [UInt8] = []
        let distinct = 200_000
        for number in stride(from: distinct, through: 1, by: -1) {
            Varint.append(UInt64(number) << 3, to: &bytes)
            bytes.append(0)
        }
        for _ in 0..<300_000 { bytes += [0x08, 0x0E] }  // zigzag(7) = 14
        let decoded = try WireDecoder().decode(Numbers.OptionalFirst.self, from: bytes)
        #expect(decoded.first == 7)
    }

    @Test func randomGarbageNeverCrashes() {
        var generator = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 64)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? WireDecoder().decode(SampleEvent.self, from: bytes)
            _ = try? WireDecoder().decode(Collections.self, from: bytes)
            _ = try? WireDecoder().decode([String: [Int?]].self, from: bytes)
        }
    }
}

/// A small deterministic generator, so randomized tests fail reproducibly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
