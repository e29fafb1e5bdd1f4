import Foundation
import SextantContracts
import SextantWire
import Testing

/// `LoggedEvent(body:keeping:)` equals the generic decoding with the other properties removed,
/// and refuses what the generic decoder refuses.
@Suite struct LoggedEventPartialDecodingTests {
    static let kept = PropertyNames(["product_id", "price", "items"])

    static func event(_ properties: [String: JSONValue], value: Decimal? = Decimal(string: "19.99"), uniqueID: String? = "u-1") -> LoggedEvent {
        LoggedEvent(
            position: 42, accountID: 7, profileID: 1_234_567, metric: "Ordered Product", time: Date(timeIntervalSince1970: 1_790_000_000.25),
            receivedAt: Date(timeIntervalSince1970: 1_790_000_001.5), value: value, uniqueID: uniqueID, properties: properties, derivedFrom: 41)
    }

    @Test func keepsOnlyTheNamedPropertiesAndEveryOtherField() throws {
        let samples: [LoggedEvent] = [
            Self.event([
                "product_id": "SKU-1", "price": .number(Decimal(string: "12.50")!), "quantity": 2, "ümlaut": "ja",
                "items": [["product_id": "SKU-1", "price": 3]], "note": .null, "flags": [true, false],
            ]),
            Self.event([:], value: nil, uniqueID: nil),
            Self.event(["other": "x"]),
            Self.event(["price": "not a number", "product_id": 12_345_678_901]),
        ]
        for event in samples {
            let body = try WireEncoder().encode(event)
            var expected = try WireDecoder().decode(LoggedEvent.self, from: body)
            expected.properties = expected.properties.filter { ["product_id", "price", "items"].contains($0.key) }
            #expect(try LoggedEvent(body: body, keeping: Self.kept) == expected)
            #expect(try LoggedEvent(body: body, keeping: PropertyNames([])).properties.isEmpty)
        }
    }

    @Test func refusesWhatTheGenericDecoderRefuses() throws {
        let body = try WireEncoder().encode(Self.event(["product_id": "SKU-1", "price": 5]))
        // Every truncation of the body is refused by both.
        for length in 0..<body.count {
            let truncated = Array(body[0..<length])
            let generic = (try? WireDecoder().decode(LoggedEvent.self, from: truncated)) != nil
            let partial = (try? LoggedEvent(body: truncated, keeping: Self.kept)) != nil
            #expect(!partial || generic, "a \(length)-byte prefix was accepted by the partial decoder only")
        }
        // A kept property whose value is not a valid JSON value.
        var broken = try WireEncoder().encode(Self.event(["price": 5]))
        let tag = try #require(broken.lastIndex(of: 0x03))
        broken[tag] = 0x09
        #expect((try? WireDecoder().decode(LoggedEvent.self, from: broken)) == nil)
        #expect(throws: (any Error).self) { try LoggedEvent(body: broken, keeping: Self.kept) }
        // An unknown field numbered past 2^29−1 (varint key of field 2^29, wire type 0, value 0).
        var farField: [UInt8] = []
        Varint.append(UInt64(1 << 29) << 3, to: &farField)
        farField += [0x00] + body
        #expect((try? WireDecoder().decode(LoggedEvent.self, from: farField)) == nil)
        #expect(throws: (any Error).self) { try LoggedEvent(body: farField, keeping: Self.kept) }
        // A field with the wrong wire type.
        #expect(throws: (any Error).self) { try LoggedEvent(body: [0x0A, 0x00] + body, keeping: Self.kept) }
    }
}
