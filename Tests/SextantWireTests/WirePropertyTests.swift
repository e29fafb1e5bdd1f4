import Foundation
import SextantTesting
import SextantWire
import Testing

/// Randomized round trips: many generated values, each must decode to itself.
@Suite("Wire property-based round trips")
struct WirePropertyTests {
    @Test func randomEventsRoundTrip() throws {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let event = SampleEvent.random(using: &rng)
            let bytes = try WireEncoder().encode(event)
            #expect(try WireDecoder().decode(SampleEvent.self, from: bytes) == event)
        }
    }

    @Test func randomCollectionsRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let value = Collections(
                ints: (0..<Int.random(in: 0...20, using: &rng)).map { _ in Int(bitPattern: UInt(rng.next())) },
                optionals: (0..<Int.random(in: 0...8, using: &rng)).map { _ in
                    Bool.random(using: &rng) ? nil : String.random(using: &rng)
                },
                nested: (0..<Int.random(in: 0...4, using: &rng)).map { _ in
                    (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                },
                byName: Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...6, using: &rng)).map { index in
                    ("k\(index)-" + String.random(using: &rng), Int.random(in: -1000...1000, using: &rng))
                }),
                byNumber: [Int(Int32.random(in: .min ... .max, using: &rng)): String.random(using: &rng)],
                byChannel: [.push: Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)],
                set: Set((0..<Int.random(in: 0...5, using: &rng)).map { _ in String.random(using: &rng) }),
                touches: [.click(campaign: String.random(using: &rng), at: Int64(bitPattern: rng.next())), .none]
            )
            let bytes = try WireEncoder().encode(value)
            #expect(try WireDecoder().decode(Collections.self, from: bytes) == value)
        }
    }

    @Test func decimalTextMatchesFoundationsDescription() throws {
        var rng = SplitMix64(seed: 5)
        var values: [Decimal] = [0, -0.5, 1_000_000, Decimal(string: "0.000001")!, Decimal(string: "18446744073709551615")!,
                                 Decimal(string: "-123456789012345678901234567890.125")!, Decimal(string: "1.50")!]
        for _ in 0..<3_000 {
            let units = Int64(bitPattern: rng.next()) >> Int(rng.next() % 60)
            values.append(Decimal(units) / pow(Decimal(10), Int(rng.next() % 12)))
            values.append(Decimal(units) * pow(Decimal(10), Int(rng.next() % 8)))
        }
        for value in values {
            // At the top level a Decimal is its text, without a length prefix.
            #expect(try WireEncoder().encode(value) == Array(value.description.utf8), "\(value)")
            #expect(try WireDecoder().decode(Decimal.self, from: WireEncoder().encode(value)) == value)
        }
    }

    @Test func randomDecimalsAreExact() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<2_000 {
            let units = Int64.random(in: -9_999_999_999...9_999_999_999, using: &rng)
            let scale = Int.random(in: 0...6, using: &rng)
            let decimal = Decimal(units) / pow(Decimal(10), scale)
            let bytes = try WireEncoder().encode([decimal])
            #expect(try WireDecoder().decode([Decimal].self, from: bytes) == [decimal])
        }
    }
}

extension String {
    static func random(using rng: inout SplitMix64) -> String {
        let alphabet = Array("abcxyzé😀 -_\"\\\n0")
        return String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }
}

extension SampleEvent {
    static func random(using rng: inout SplitMix64) -> SampleEvent {
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &rng) ? make() : nil }
        var properties: [String: JSONValue] = [:]
        for index in 0..<Int.random(in: 0...5, using: &rng) {
            let value: JSONValue
            switch rng.next() % 5 {
            case 0: value = .string(String.random(using: &rng))
            case 1: value = .number(Decimal(Int32.random(in: .min ... .max, using: &rng)) / 100)
            case 2: value = .bool(Bool.random(using: &rng))
            case 3: value = .array([.string(String.random(using: &rng)), .number(1), .null])
            default: value = .object(["nested": .object(["deeper": .bool(true)])])
            }
            properties["p\(index)"] = value
        }
        let email = String.random(using: &rng)
        return SampleEvent(
            accountID: rng.next(),
            position: rng.next() >> 3,
            eventID: UUID(),
            profileID: UUID(),
            metric: String.random(using: &rng),
            occurredAt: Date(timeIntervalSinceReferenceDate: Double(Int32.random(in: .min ... .max, using: &rng)) / 7),
            receivedAt: Date(timeIntervalSinceReferenceDate: 0),
            value: maybe { Decimal(Int64(bitPattern: rng.next()) >> 20) / 100 },
            currency: "EUR",
            uniqueID: maybe { String.random(using: &rng) },
            identifiers: .init(email: maybe { email }, phone: nil, externalID: maybe { "x" }),
            source: "pos",
            integration: nil,
            isHubEvent: Bool.random(using: &rng),
            properties: properties
        )
    }
}

/// A JSON value seen through the generic dictionary path: `[String: GenericJSON]` is not
/// `[String: JSONValue]`, so the encoder and decoder take the path every other dictionary takes.
private struct GenericJSON: Codable, Equatable {
    var value: JSONValue
    init(_ value: JSONValue) { self.value = value }
    init(from decoder: any Decoder) throws { self.value = try JSONValue(from: decoder) }
    func encode(to encoder: any Encoder) throws { try self.value.encode(to: encoder) }
}

@Suite struct JSONPropertiesFastPathTests {
    /// `[String: JSONValue]` has its own encoding and decoding path (event properties are the
    /// ingest hot path); it must give exactly the generic dictionary path's bytes and values.
    @Test func fastPathMatchesTheGenericDictionaryPath() throws {
        var rng = SplitMix64(seed: 2_026_112_722)
        for _ in 0..<500 {
            let properties = SampleEvent.random(using: &rng).properties
            let generic = properties.mapValues(GenericJSON.init)
            let fast = try WireEncoder().encode(properties)
            #expect(fast == (try WireEncoder().encode(generic)))
            #expect(try WireDecoder().decode([String: JSONValue].self, from: fast) == properties)
            #expect(try WireDecoder().decode([String: GenericJSON].self, from: fast) == generic)
            // Nested inside a message too.
            let nested = try WireEncoder().encode([properties, [:], properties])
            #expect(nested == (try WireEncoder().encode([generic, [:], generic])))
            #expect(try WireDecoder().decode([[String: JSONValue]].self, from: nested) == [properties, [:], properties])
        }
    }

    @Test func aKeyWithoutAValueIsAnError() throws {
        let keys = try WireEncoder().encode(["only-a-key"])
        #expect(throws: DecodingError.self) { try WireDecoder().decode([String: JSONValue].self, from: keys) }
    }
}
