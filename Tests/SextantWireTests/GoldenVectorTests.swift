import Foundation
import SextantTesting
import SextantWire
import Testing

// Checks every value vector in proto-spec/vectors/ both ways: the committed hex decodes to the
// Swift value below, and (unless the file says "direction": "decode") the Swift value encodes to
// exactly that hex. The files are the source of truth; this table only says which Swift value
// each file describes. Frame vectors are checked in SextantRPCTests/GoldenFrameVectorTests.swift.

@Suite("Golden vectors: values")
struct GoldenVectorTests {
    /// Every name that has a vector file of kind "value", a Swift counterpart, or both.
    static let names: [String] = {
        let files = (try? GoldenVectorFiles.load(kinds: ["value"])) ?? [:]
        return Set(files.keys).union(GoldenValues.table.keys).sorted()
    }()

    @Test(arguments: Self.names)
    func vector(_ name: String) throws {
        let files = try GoldenVectorFiles.load(kinds: ["value"])
        let file = try #require(files[name], "the Swift table has \(name) but proto-spec/vectors/\(name).json is missing")
        let golden = try #require(GoldenValues.table[name], "proto-spec/vectors/\(name).json has no Swift counterpart in GoldenValues.table")
        let bytes = try #require(GoldenVectorFiles.bytes(hex: file.hex), "hex of \(name) is not lowercase hex pairs")

        // Bytes -> value.
        let mismatch = try golden.decodeAndCompare(bytes)
        #expect(mismatch == nil, "\(name): \(mismatch ?? "")")

        // Value -> bytes.
        let encoded = try golden.encode()
        if file.direction == .decode {
            // A decode-only vector holds bytes the Swift encoder does not produce; the value it
            // describes must still round-trip.
            #expect(GoldenVectorFiles.hex(encoded) != file.hex, "\(name) is marked decode-only but the encoder produces it")
            let roundTrip = try golden.decodeAndCompare(encoded)
            #expect(roundTrip == nil, "\(name) round trip: \(roundTrip ?? "")")
        } else {
            #expect(GoldenVectorFiles.hex(encoded) == file.hex, "\(name): encoder output differs from the vector")
        }
    }

    @Test func vectorFilesAreWellFormed() throws {
        let all = try GoldenVectorFiles.load(kinds: ["value", "frame", "preface"])
        #expect(all.count >= 25)
        for (name, file) in all {
            #expect(file.name == name)
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "vector name \(name)")
            #expect(!file.description.isEmpty && !file.type.isEmpty, "\(name) lacks a description or type")
            #expect(GoldenVectorFiles.bytes(hex: file.hex) != nil, "\(name): hex is not lowercase hex pairs")
        }
        // The README's index lists every vector.
        let readme = try String(contentsOf: GoldenVectorFiles.directory.appendingPathComponent("README.md"), encoding: .utf8)
        for name in all.keys {
            #expect(readme.contains("`\(name)`"), "proto-spec/vectors/README.md does not list \(name)")
        }
    }
}


// MARK: - Swift counterparts

/// A Swift value standing for one vector: how to encode it and how to compare a decoded value.
struct GoldenValue {
    let encode: () throws -> [UInt8]
    /// Decodes the bytes and returns `nil` when the result equals the value, else a description.
    let decodeAndCompare: ([UInt8]) throws -> String?

    init<T: Codable>(_ value: T, equal: @escaping (T, T) -> Bool) {
        self.encode = { try WireEncoder().encode(value) }
        self.decodeAndCompare = { bytes in
            let decoded = try WireDecoder().decode(T.self, from: bytes)
            return equal(decoded, value) ? nil : "decoded \(decoded), expected \(value)"
        }
    }

    init<T: Codable & Equatable>(_ value: T) {
        self.init(value, equal: ==)
    }
}

enum GoldenValues {
    /// Vector name -> Swift value. Keep in step with proto-spec/vectors/*.json.
    static var table: [String: GoldenValue] {
        // One statement per vector: a single dictionary literal is too much for the type checker.
        var t: [String: GoldenValue] = [:]

        // Varints and zigzag.
        t["varint-uint64-0"] = GoldenValue(0 as UInt64)
        t["varint-uint64-1"] = GoldenValue(1 as UInt64)
        t["varint-uint64-127"] = GoldenValue(127 as UInt64)
        t["varint-uint64-128"] = GoldenValue(128 as UInt64)
        t["varint-uint64-300"] = GoldenValue(300 as UInt64)
        t["varint-uint64-max"] = GoldenValue(UInt64.max)
        t["varint-non-minimal"] = GoldenValue(1 as UInt64)
        t["zigzag-int-negative"] = GoldenValue(G.Signed(a: -1, b: -65, c: -300))
        t["zigzag-int64-min"] = GoldenValue(Int64.min)
        t["zigzag-int64-max"] = GoldenValue(Int64.max)
        t["integer-widths"] = GoldenValue(
            G.IntegerWidths(
                int8: .min, int16: .max, int32: .min, int64: -2, int: 2,
                uint8: .max, uint16: .max, uint32: .max, uint64: .max, uint: 150
            )
        )

        // Bool, Float, Double.
        t["bool-true-false"] = GoldenValue(G.Flags(on: true, off: false))
        t["float-values"] = GoldenValue(G.Floats(one: 1, negative: -2.5, tenth: 0.1))
        t["double-values"] = GoldenValue(G.Doubles(negativeZero: -0.0, fraction: 0.1, infinite: .infinity))

        // Strings and bytes.
        t["string-empty"] = GoldenValue(G.Text(value: ""))
        t["string-ascii"] = GoldenValue(G.Text(value: "hello"))
        t["string-utf8-multibyte"] = GoldenValue(G.Text(value: "\u{E9}\u{20AC}\u{1F600}"))
        t["string-top-level"] = GoldenValue("h\u{E9}llo")
        t["length-prefix-string-200"] = GoldenValue(G.Text(value: String(repeating: "a", count: 200)))
        t["length-prefix-nested-message-200"] = GoldenValue(G.Wrapper(inner: G.Text(value: String(repeating: "b", count: 200))))
        t["bytes-data-and-array"] = GoldenValue(G.Blobs(data: Data([0xDE, 0xAD, 0xBE, 0xEF]), array: [0x00, 0x01, 0xFF], empty: Data()))

        // Foundation values.
        t["date-values"] = GoldenValue(
            G.Dates(
                recent: Date(timeIntervalSince1970: 1_700_000_000),
                unixEpoch: Date(timeIntervalSince1970: 0),
                halfSecond: Date(timeIntervalSinceReferenceDate: 0.5)
            )
        )
        t["decimal-values"] = GoldenValue(
            G.Decimals(
                negative: Decimal(string: "-12.5")!,
                large: Decimal(string: "98765432109876543210.0123456789")!,
                zero: Decimal(0)
            )
        )
        t["decimal-non-canonical"] = GoldenValue(G.Decimals1(value: Decimal(string: "7.5")!))
        t["uuid"] = GoldenValue(G.Ident(id: UUID(uuidString: "00112233-4455-6677-8899-AABBCCDDEEFF")!))
        t["url"] = GoldenValue(G.Link(url: URL(string: "https://example.com/a%20b?q=1#top")!))

        // Optionals and messages.
        t["optional-absent"] = GoldenValue(G.Contact(id: 7, email: nil, phone: nil))
        t["optional-present"] = GoldenValue(G.Contact(id: 7, email: "a@b.c", phone: ""))
        t["optional-top-level-nil"] = GoldenValue(G.Contact?.none)
        t["message-nested"] = GoldenValue(
            G.Order(id: 150, customer: G.Customer(name: "Ada", address: G.Address(city: "Oslo")), marker: G.Marker())
        )
        t["field-numbers-large"] = GoldenValue(G.FarFields(near: 1, far: 1.0))
        t["superclass-field-zero"] = GoldenValue(G.Dog(name: "Rex", breed: "pug"), equal: G.Dog.same)
        t["unknown-fields-skipped"] = GoldenValue(G.ProfileV1(id: 7, email: "a@b.c"))
        t["repeated-field-last-wins"] = GoldenValue(G.ProfileV1(id: 2, email: nil))

        // Sequences and dictionaries.
        t["sequence-ints"] = GoldenValue(G.IntList(values: [0, 1, -1, 300]))
        t["sequence-optional-elements"] = GoldenValue(G.OptionalList(values: [1, nil, -1]))
        t["sequence-nested"] = GoldenValue(G.NestedList(values: [[1], [], [2, 300]]))
        t["sequence-messages-top-level"] = GoldenValue([G.Point(x: 1, y: 2), G.Point(x: 0, y: 0)])
        t["dictionary-string-keys"] = GoldenValue(G.Tally(counts: ["b": 2, "a": 1, "Z": 26, "\u{E9}": -1]))
        t["dictionary-int-keys"] = GoldenValue(G.Labels(names: [10: "ten", -1: "minus one", 2: "two"]))

        // Enums.
        t["enum-raw-values"] = GoldenValue(G.Delivery(channel: .sms, priority: .high))
        t["enum-associated-values"] = GoldenValue([G.Touch.click(campaign: "spring", at: -5), .open("x"), .none])

        // JSON values.
        let properties: JSONValue = .object([
            "Upper": .bool(true),
            "count": .number(42),
            "delta": .number(-7),
            "huge": .number(Decimal(string: "18446744073709551616")!),
            "list": .array([.string("a"), .number(1), .null]),
            "name": .string("Ada"),
            "nested": .object(["k": .bool(false)]),
            "none": .null,
            "price": .number(Decimal(string: "-1.25")!),
            "\u{E9}": .string("\u{1F600}"),
        ])
        t["json-value-every-kind"] = GoldenValue(G.Event(properties: properties))
        return t
    }
}

/// The types the value vectors describe, with the field numbers written in each vector's `type`.
enum G {
    struct Signed: Codable, Equatable {
        var a: Int, b: Int, c: Int
        enum CodingKeys: Int, CodingKey { case a = 1, b, c }
    }

    struct IntegerWidths: Codable, Equatable {
        var int8: Int8, int16: Int16, int32: Int32, int64: Int64, int: Int
        var uint8: UInt8, uint16: UInt16, uint32: UInt32, uint64: UInt64, uint: UInt
        enum CodingKeys: Int, CodingKey { case int8 = 1, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint }
    }

    struct Flags: Codable, Equatable {
        var on: Bool, off: Bool
        enum CodingKeys: Int, CodingKey { case on = 1, off }
    }

    /// Equal when every field has the same bits (so -0.0 differs from 0.0).
    struct Floats: Codable, Equatable {
        var one: Float, negative: Float, tenth: Float
        enum CodingKeys: Int, CodingKey { case one = 1, negative, tenth }

        static func == (a: Floats, b: Floats) -> Bool {
            let x = [a.one.bitPattern, a.negative.bitPattern, a.tenth.bitPattern]
            let y = [b.one.bitPattern, b.negative.bitPattern, b.tenth.bitPattern]
            return x == y
        }
    }

    /// Equal when every field has the same bits (so -0.0 differs from 0.0).
    struct Doubles: Codable, Equatable {
        var negativeZero: Double, fraction: Double, infinite: Double
        enum CodingKeys: Int, CodingKey { case negativeZero = 1, fraction, infinite }

        static func == (a: Doubles, b: Doubles) -> Bool {
            let x = [a.negativeZero.bitPattern, a.fraction.bitPattern, a.infinite.bitPattern]
            let y = [b.negativeZero.bitPattern, b.fraction.bitPattern, b.infinite.bitPattern]
            return x == y
        }
    }

    struct Text: Codable, Equatable {
        var value: String
        enum CodingKeys: Int, CodingKey { case value = 1 }
    }

    struct Wrapper: Codable, Equatable {
        var inner: Text
        enum CodingKeys: Int, CodingKey { case inner = 1 }
    }

    struct Blobs: Codable, Equatable {
        var data: Data, array: [UInt8], empty: Data
        enum CodingKeys: Int, CodingKey { case data = 1, array, empty }
    }

    struct Dates: Codable, Equatable {
        var recent: Date, unixEpoch: Date, halfSecond: Date
        enum CodingKeys: Int, CodingKey { case recent = 1, unixEpoch, halfSecond }
    }

    struct Decimals: Codable, Equatable {
        var negative: Decimal, large: Decimal, zero: Decimal
        enum CodingKeys: Int, CodingKey { case negative = 1, large, zero }
    }

    struct Decimals1: Codable, Equatable {
        var value: Decimal
        enum CodingKeys: Int, CodingKey { case value = 1 }
    }

    struct Ident: Codable, Equatable {
        var id: UUID
        enum CodingKeys: Int, CodingKey { case id = 1 }
    }

    struct Link: Codable, Equatable {
        var url: URL
        enum CodingKeys: Int, CodingKey { case url = 1 }
    }

    struct Contact: Codable, Equatable {
        var id: UInt32, email: String?, phone: String?
        enum CodingKeys: Int, CodingKey { case id = 1, email, phone }
    }

    struct Order: Codable, Equatable {
        var id: UInt64, customer: Customer, marker: Marker
        enum CodingKeys: Int, CodingKey { case id = 1, customer, marker }
    }

    struct Customer: Codable, Equatable {
        var name: String, address: Address
        enum CodingKeys: Int, CodingKey { case name = 1, address }
    }

    struct Address: Codable, Equatable {
        var city: String
        enum CodingKeys: Int, CodingKey { case city = 1 }
    }

    struct Marker: Codable, Equatable {}

    struct FarFields: Codable, Equatable {
        var near: UInt32, far: Float
        enum CodingKeys: Int, CodingKey { case near = 16, far = 536_870_911 }
    }

    struct ProfileV1: Codable, Equatable {
        var id: UInt64, email: String?
        enum CodingKeys: Int, CodingKey { case id = 1, email }
    }

    struct IntList: Codable, Equatable {
        var values: [Int]
        enum CodingKeys: Int, CodingKey { case values = 1 }
    }

    struct OptionalList: Codable, Equatable {
        var values: [Int?]
        enum CodingKeys: Int, CodingKey { case values = 1 }
    }

    struct NestedList: Codable, Equatable {
        var values: [[UInt16]]
        enum CodingKeys: Int, CodingKey { case values = 1 }
    }

    struct Point: Codable, Equatable {
        var x: Int, y: Int
        enum CodingKeys: Int, CodingKey { case x = 1, y }
    }

    struct Tally: Codable, Equatable {
        var counts: [String: Int]
        enum CodingKeys: Int, CodingKey { case counts = 1 }
    }

    struct Labels: Codable, Equatable {
        var names: [Int: String]
        enum CodingKeys: Int, CodingKey { case names = 1 }
    }

    enum Channel: String, Codable, Equatable {
        case email, sms, push
    }

    enum Priority: UInt8, Codable, Equatable {
        case low = 1, high = 2
    }

    struct Delivery: Codable, Equatable {
        var channel: Channel, priority: Priority
        enum CodingKeys: Int, CodingKey { case channel = 1, priority }
    }

    enum Touch: Codable, Equatable {
        case click(campaign: String, at: Int64)
        case open(String)
        case none

        enum CodingKeys: Int, CodingKey { case click = 1, open, none }
        enum ClickCodingKeys: Int, CodingKey { case campaign = 1, at }
        enum OpenCodingKeys: Int, CodingKey { case _0 = 1 }
    }

    struct Event: Codable, Equatable {
        var properties: JSONValue
        enum CodingKeys: Int, CodingKey { case properties = 1 }
    }

    /// `class Animal { 1: name String }`.
    class Animal: Codable {
        var name: String

        init(name: String) {
            self.name = name
        }

        enum CodingKeys: Int, CodingKey { case name = 1 }
    }

    /// `class Dog: Animal { 1: breed String }`, writing its superclass first (field 0).
    final class Dog: Animal, CustomStringConvertible {
        var breed: String

        init(name: String, breed: String) {
            self.breed = breed
            super.init(name: name)
        }

        enum DogKeys: Int, CodingKey { case breed = 1 }

        required init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: DogKeys.self)
            self.breed = try container.decode(String.self, forKey: .breed)
            try super.init(from: container.superDecoder())
        }

        override func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DogKeys.self)
            try super.encode(to: container.superEncoder())
            try container.encode(self.breed, forKey: .breed)
        }

        var description: String { "Dog(name: \(self.name), breed: \(self.breed))" }

        static func same(_ a: Dog, _ b: Dog) -> Bool {
            a.name == b.name && a.breed == b.breed
        }
    }
}
