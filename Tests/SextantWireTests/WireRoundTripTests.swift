import Foundation
import SextantWire
import Testing

@Suite("Wire round trips")
struct WireRoundTripTests {
    func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        let bytes = try WireEncoder().encode(value)
        return try WireDecoder().decode(T.self, from: bytes)
    }

    @Test func scalarsAtTheirLimits() throws {
        for value in [
            Scalars(
                bool: true, int: .max, int8: .min, int16: .max, int32: .min, int64: .min, uint: .max, uint8: .max,
                uint16: .max, uint32: .max, uint64: .max, float: -.infinity, double: .greatestFiniteMagnitude, string: "é😀"),
            Scalars(
                bool: false, int: 0, int8: 0, int16: 0, int32: 0, int64: 0, uint: 0, uint8: 0, uint16: 0, uint32: 0,
                uint64: 0, float: 0, double: -0.0, string: ""),
        ] {
            #expect(try self.roundTrip(value) == value)
        }
    }

    @Test func foundationTypesAreExact() throws {
        let value = FoundationValues(
            data: Data([0, 1, 2, 255]),
            bytes: Array(0...255),
            date: Date(timeIntervalSince1970: 1_764_000_000.123456),
            decimal: Decimal(string: "-123456789012345678901234567890.125")!,
            uuid: UUID(),
            url: URL(string: "https://shop.example/p?id=1&q=a%20b")!
        )
        let decoded = try self.roundTrip(value)
        #expect(decoded == value)
        #expect(decoded.decimal.description == "-123456789012345678901234567890.125")
    }

    @Test func collectionsEnumsAndDictionaries() throws {
        let value = Collections(
            ints: [0, -1, 1, .min, .max],
            optionals: ["a", nil, "", nil],
            nested: [[], [1, 2], [255]],
            byName: ["b": 2, "a": 1, "": 0],
            byNumber: [-5: "minus five", 300: "three hundred"],
            byChannel: [.email: 0.5, .sms: 1.5],
            set: ["x", "y"],
            touches: [.click(campaign: "c1", at: -7), .open("m1"), .none]
        )
        #expect(try self.roundTrip(value) == value)
    }

    @Test func dictionariesEncodeDeterministically() throws {
        let a = ["zeta": 1, "alpha": 2, "mid": 3]
        var b: [String: Int] = [:]
        b["mid"] = 3
        b["alpha"] = 2
        b["zeta"] = 1
        #expect(try WireEncoder().encode(a) == WireEncoder().encode(b))
    }

    @Test func optionalsAbsentAndPresent() throws {
        let empty = Optionals(a: nil, b: nil, c: nil, d: nil)
        #expect(try WireEncoder().encode(empty).isEmpty)
        #expect(try self.roundTrip(empty) == empty)
        let full = Optionals(a: 0, b: "", c: [], d: .init(x: -1))
        #expect(try self.roundTrip(full) == full)
    }

    @Test func superclassGoesToFieldZero() throws {
        let dog = Dog(name: "Rex", goodBoy: true)
        let bytes = try WireEncoder().encode(dog)
        // goodBoy (field 1, varint 1), then field 0: length-delimited message {1: "Rex"}.
        #expect(bytes == [0x08, 0x01, 0x02, 0x05, 0x0A, 0x03, 0x52, 0x65, 0x78])
        let decoded = try WireDecoder().decode(Dog.self, from: bytes)
        #expect(decoded.name == "Rex")
        #expect(decoded.goodBoy)
    }

    @Test func topLevelScalarsAndArrays() throws {
        #expect(try WireEncoder().encode(150 as UInt64) == [0x96, 0x01])
        #expect(try WireDecoder().decode(UInt64.self, from: [0x96, 0x01]) == 150)
        #expect(try WireEncoder().encode("hi") == [0x68, 0x69])
        #expect(try self.roundTrip([1, 2, 3]) == [1, 2, 3])
        #expect(try self.roundTrip(["k": [1.5, 2.5]]) == ["k": [1.5, 2.5]])
        #expect(try WireDecoder().decode(String?.self, from: []) == nil)
    }

    @Test func longBodiesGetMultiByteLengths() throws {
        let long = String(repeating: "x", count: 20_000)
        let value = Optionals(a: 1, b: long, c: Array(0..<3000), d: .init(x: 5))
        #expect(try self.roundTrip(value) == value)
        let nested = [[String]](repeating: [long], count: 3)
        #expect(try self.roundTrip(nested) == nested)
    }

    @Test func sampleEventRoundTripsAndIsCompact() throws {
        let event = SampleEvent.example
        let bytes = try WireEncoder().encode(event)
        #expect(try WireDecoder().decode(SampleEvent.self, from: bytes) == event)
        let json = try JSONEncoder().encode(event)
        #expect(Double(bytes.count) <= 0.4 * Double(json.count), "wire \(bytes.count) bytes, JSON \(json.count) bytes")
    }
}

extension SampleEvent {
    static let example = SampleEvent(
        accountID: 42,
        eventID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!,
        metric: "Placed Order",
        email: "ada@example.com",
        phone: "+15555550100",
        externalID: "cust-1001",
        timestampMicros: 1_764_000_000_123_456,
        valueMinor: 12_999,
        currency: "USD",
        uniqueID: "order-1001",
        source: "web",
        loggedIn: true,
        position: 123_456,
        receivedMicros: 1_764_000_000_223_456,
        properties: [
            "order_id": .string("1001"),
            "subscription": .bool(false),
            "items": .array([
                .object(["product_id": .string("sku-1"), "quantity": .number(2), "price": .number(49.99)]),
                .object(["product_id": .string("sku-2"), "quantity": .number(1), "price": .number(30.01)]),
            ]),
        ]
    )
}
