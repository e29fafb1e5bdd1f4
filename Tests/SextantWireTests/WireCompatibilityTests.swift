import SextantWire
import Testing

/// Version 1 of a message, as an old peer knows it.
private struct ProfileV1: Codable, Equatable {
    var id: UInt64
    var email: String?
    enum CodingKeys: Int, CodingKey { case id = 1, email = 2 }
}

/// Version 2 adds fields of every wire type; old readers must skip them.
private struct ProfileV2: Codable, Equatable {
    var id: UInt64
    var email: String?
    var score: Double?
    var tags: [String]?
    var weight: Float?
    var address: Address?
    var visits: Int64?

    struct Address: Codable, Equatable {
        var city: String
        enum CodingKeys: Int, CodingKey { case city = 1 }
    }

    enum CodingKeys: Int, CodingKey { case id = 1, email = 2, score = 3, tags = 4, weight = 5, address = 6, visits = 7 }
}

/// A later version that made a field required which old messages lack.
private struct ProfileStrict: Codable {
    var id: UInt64
    var region: String
    enum CodingKeys: Int, CodingKey { case id = 1, region = 9 }
}

@Suite("Wire compatibility")
struct WireCompatibilityTests {
    @Test func newerMessageReadByOlderType() throws {
        let v2 = ProfileV2(
            id: 7, email: "a@b.c", score: 0.5, tags: ["vip"], weight: 1.5, address: .init(city: "Oslo"), visits: -3)
        let bytes = try WireEncoder().encode(v2)
        let v1 = try WireDecoder().decode(ProfileV1.self, from: bytes)
        #expect(v1 == ProfileV1(id: 7, email: "a@b.c"))
    }

    @Test func olderMessageReadByNewerType() throws {
        let bytes = try WireEncoder().encode(ProfileV1(id: 7, email: nil))
        let v2 = try WireDecoder().decode(ProfileV2.self, from: bytes)
        #expect(v2 == ProfileV2(id: 7, email: nil, score: nil, tags: nil, weight: nil, address: nil, visits: nil))
    }

    @Test func roundTripThroughAnOlderPeerKeepsKnownFields() throws {
        let v2 = ProfileV2(id: 9, email: "x@y.z", score: 2, tags: [], weight: nil, address: nil, visits: 1)
        let v1 = try WireDecoder().decode(ProfileV1.self, from: try WireEncoder().encode(v2))
        let back = try WireDecoder().decode(ProfileV2.self, from: try WireEncoder().encode(v1))
        #expect(back.id == 9 && back.email == "x@y.z" && back.score == nil)
    }

    @Test func missingRequiredFieldIsKeyNotFoundNamingIt() throws {
        let bytes = try WireEncoder().encode(ProfileV1(id: 1, email: nil))
        do {
            _ = try WireDecoder().decode(ProfileStrict.self, from: bytes)
            Issue.record("decoding succeeded without the required field")
        } catch DecodingError.keyNotFound(let key, let context) {
            #expect(key.intValue == 9)
            #expect(context.debugDescription.contains("region"))
        }
    }

    @Test func lastDuplicateFieldWins() throws {
        // field 1 = 1, field 2 = "a", field 1 = 2
        let bytes: [UInt8] = [0x08, 0x01, 0x12, 0x01, 0x61, 0x08, 0x02]
        #expect(try WireDecoder().decode(ProfileV1.self, from: bytes) == ProfileV1(id: 2, email: "a"))
    }

    @Test func fieldsInAnyOrder() throws {
        let bytes: [UInt8] = [0x12, 0x01, 0x61, 0x08, 0x05]
        #expect(try WireDecoder().decode(ProfileV1.self, from: bytes) == ProfileV1(id: 5, email: "a"))
    }
}
