import Foundation
import SextantWire

// Message types used across the wire tests. Field numbers are explicit, as in every Sextant contract.

struct Scalars: Codable, Equatable {
    var bool: Bool
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var float: Float
    var double: Double
    var string: String

    enum CodingKeys: Int, CodingKey {
        case bool = 1, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float, double, string
    }
}

struct FoundationValues: Codable, Equatable {
    var data: Data
    var bytes: [UInt8]
    var date: Date
    var decimal: Decimal
    var uuid: UUID
    var url: URL

    enum CodingKeys: Int, CodingKey {
        case data = 1, bytes, date, decimal, uuid, url
    }
}

enum Channel: String, Codable, Equatable {
    case email, sms, push
}

enum Touch: Codable, Equatable {
    case click(campaign: String, at: Int64)
    case open(String)
    case none

    enum CodingKeys: Int, CodingKey {
        case click = 1, open = 2, none = 3
    }

    enum ClickCodingKeys: Int, CodingKey {
        case campaign = 1, at = 2
    }

    enum OpenCodingKeys: Int, CodingKey {
        case _0 = 1
    }
}

struct Collections: Codable, Equatable {
    var ints: [Int]
    var optionals: [String?]
    var nested: [[UInt8]]
    var byName: [String: Int]
    var byNumber: [Int: String]
    var byChannel: [Channel: Double]
    var set: Set<String>
    var touches: [Touch]

    enum CodingKeys: Int, CodingKey {
        case ints = 1, optionals, nested, byName, byNumber, byChannel, set, touches
    }
}

struct Optionals: Codable, Equatable {
    var a: Int?
    var b: String?
    var c: [Int]?
    var d: Inner?

    struct Inner: Codable, Equatable {
        var x: Int
        enum CodingKeys: Int, CodingKey { case x = 1 }
    }

    enum CodingKeys: Int, CodingKey {
        case a = 1, b, c, d
    }
}

class Animal: Codable {
    var name: String

    init(name: String) {
        self.name = name
    }

    enum CodingKeys: Int, CodingKey { case name = 1 }
}

final class Dog: Animal {
    var goodBoy: Bool

    init(name: String, goodBoy: Bool) {
        self.goodBoy = goodBoy
        super.init(name: name)
    }

    enum DogKeys: Int, CodingKey { case goodBoy = 1 }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: DogKeys.self)
        self.goodBoy = try container.decode(Bool.self, forKey: .goodBoy)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: DogKeys.self)
        try container.encode(self.goodBoy, forKey: .goodBoy)
        try super.encode(to: container.superEncoder())
    }
}

