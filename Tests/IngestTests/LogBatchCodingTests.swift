import Foundation
import SextantContracts
import SextantWire
import Testing

/// `LogBatch` codes its entries by hand with the wire coder; the bytes must be exactly those of
/// the generic `Codable` path, which other implementations of the protocol follow.
@Suite struct LogBatchCodingTests {
    /// The same message with synthesized `Codable`: what the generic path writes.
    struct GenericLogBatch: Codable, Equatable {
        var entries: [LogEntry]
        var head: UInt64
        enum CodingKeys: Int, CodingKey { case entries = 1, head }
    }

    static func entries(_ count: Int) -> [LogEntry] {
        let kinds: [LogEntry.Kind] = [.event, .account, .profile, .merge, .customMetric]
        var entries: [LogEntry] = []
        for index in 0..<count {
            let length = index * 37 % 300
            var body: [UInt8] = []
            for byte in 0..<length { body.append(UInt8(truncatingIfNeeded: byte &* 31 &+ index)) }
            let position = UInt64(index) * 977 + 1
            let accountID = UInt64(index % 3) + 1
            entries.append(LogEntry(position: position, accountID: accountID, kind: kinds[index % 5], body: body))
        }
        return entries
    }

    @Test(arguments: [0, 1, 2, 50, 1_000])
    func bytesEqualTheGenericPath(count: Int) throws {
        let entries = Self.entries(count)
        let batch = LogBatch(entries: entries, head: UInt64.max - 7)
        let bytes = try WireEncoder().encode(batch)
        #expect(bytes == (try WireEncoder().encode(GenericLogBatch(entries: entries, head: batch.head))))
        #expect(try WireDecoder().decode(LogBatch.self, from: bytes) == batch)
        // JSON takes the generic path both ways.
        let json = try JSONEncoder().encode(batch)
        #expect(try JSONDecoder().decode(LogBatch.self, from: json) == batch)
        #expect(try JSONDecoder().decode(GenericLogBatch.self, from: json) == GenericLogBatch(entries: entries, head: batch.head))
    }

    @Test func unknownFieldsAreSkippedAndDamageIsAnError() throws {
        // An entry written by a newer peer with an extra field 9 (a string) still reads.
        struct NewerEntry: Codable {
            var position: UInt64, accountID: UInt64, kind: LogEntry.Kind, body: [UInt8], note: String
            enum CodingKeys: Int, CodingKey { case position = 1, accountID, kind, body, note = 9 }
        }
        struct NewerBatch: Codable {
            var entries: [NewerEntry]
            var head: UInt64
            enum CodingKeys: Int, CodingKey { case entries = 1, head }
        }
        let newer = NewerBatch(entries: [NewerEntry(position: 5, accountID: 2, kind: .event, body: [1, 2, 3], note: "later")], head: 5)
        let read = try WireDecoder().decode(LogBatch.self, from: try WireEncoder().encode(newer))
        #expect(read.entries == [LogEntry(position: 5, accountID: 2, kind: .event, body: [1, 2, 3])])

        var bytes = try WireEncoder().encode(LogBatch(entries: Self.entries(3), head: 9))
        // Cut the batch short inside its entries field's declared length: the decoder must refuse it.
        bytes.removeLast(3)
        #expect(throws: (any Error).self) { try WireDecoder().decode(LogBatch.self, from: bytes) }
    }
}

/// `TrackEventsResponse` packs its outcomes by hand with the wire coder; the bytes must be those
/// of the generic path.
@Suite struct TrackEventsResponseCodingTests {
    struct GenericResponse: Codable, Equatable {
        var outcomes: [EventOutcome]
        var derivedEvents: UInt32
        var head: UInt64
        enum CodingKeys: Int, CodingKey { case outcomes = 1, derivedEvents, head }
    }

    static func outcomes(_ count: Int) -> [EventOutcome] {
        var outcomes: [EventOutcome] = []
        for index in 0..<count {
            switch index % 4 {
            case 0: outcomes.append(EventOutcome(status: .stored, position: UInt64(index) << 20, profileID: UInt64(index)))
            case 1: outcomes.append(EventOutcome(status: .duplicate, position: 1, profileID: 300))
            case 2:
                outcomes.append(EventOutcome(status: .rejected, errors: [
                    FieldError(field: "profile.email", reason: "is not an email address"),
                    FieldError(field: "time", reason: "é — more than one year in the future"),
                ]))
            default:
                outcomes.append(EventOutcome(status: .notCollected, errors: [FieldError(field: "metric", reason: "Hub inactive")]))
            }
        }
        return outcomes
    }

    @Test(arguments: [0, 1, 4, 9, 1_000])
    func bytesEqualTheGenericPath(count: Int) throws {
        let response = TrackEventsResponse(outcomes: Self.outcomes(count), derivedEvents: 7, head: 123_456_789)
        let bytes = try WireEncoder().encode(response)
        let generic = GenericResponse(outcomes: response.outcomes, derivedEvents: 7, head: 123_456_789)
        #expect(bytes == (try WireEncoder().encode(generic)))
        #expect(try WireDecoder().decode(TrackEventsResponse.self, from: bytes) == response)
        let json = try JSONEncoder().encode(response)
        #expect(try JSONDecoder().decode(TrackEventsResponse.self, from: json) == response)
        #expect(try JSONDecoder().decode(GenericResponse.self, from: json) == generic)
    }

    @Test func damagedOutcomesAreAnError() throws {
        var bytes = try WireEncoder().encode(TrackEventsResponse(outcomes: Self.outcomes(8), derivedEvents: 0, head: 1))
        // Field 1's first element: change its wire-type byte to varint.
        let firstElement = bytes.firstIndex(of: WireType.lengthDelimited.rawValue, after: 2)
        bytes[firstElement] = WireType.varint.rawValue
        #expect(throws: (any Error).self) { try WireDecoder().decode(TrackEventsResponse.self, from: bytes) }
    }
}

extension Array where Element == UInt8 {
    /// The index of the first `byte` at or after `start`.
    fileprivate func firstIndex(of byte: UInt8, after start: Int) -> Int {
        self[start...].firstIndex(of: byte)!
    }
}

/// `TrackEventsRequest` reads its events by hand with the wire coder; it must read what the
/// generic decoder reads.
@Suite struct TrackEventsRequestCodingTests {
    struct GenericRequest: Codable, Equatable {
        var accountID: UInt64
        var events: [EventInput]
        enum CodingKeys: Int, CodingKey { case accountID = 1, events }
    }

    static func events(_ count: Int, seed: UInt64) -> [EventInput] {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let texts = ["", "a", "ada@example.com", "Ünïcödé ✓", "+15555550100", String(repeating: "x", count: 300)]
        var events: [EventInput] = []
        for index in 0..<count {
            let bits = next()
            var properties: [String: JSONValue] = [:]
            for key in 0..<Int(next() % 4) {
                properties["k\(key)"] = [.string(texts[Int(next() % 6)]), .number(Decimal(Int(next() % 1000)) / 100), .bool(true), .null,
                                         .array([.number(1), .object(["n": .string("é")])])][Int(next() % 5)]
            }
            events.append(EventInput(
                metric: texts[index % 6].isEmpty ? "Placed Order" : texts[index % 6],
                profile: ProfileIdentifiers(
                    email: bits & 1 == 0 ? nil : texts[Int(next() % 6)], phone: bits & 2 == 0 ? nil : "+4712345678",
                    externalID: bits & 4 == 0 ? nil : texts[Int(next() % 6)]),
                time: bits & 8 == 0 ? nil : Date(timeIntervalSinceReferenceDate: Double(Int64(next()) - 1_000_000) / 7),
                value: bits & 16 == 0 ? nil : Decimal(Int(next() % 100_000)) / 100,
                uniqueID: bits & 32 == 0 ? nil : texts[Int(next() % 6)],
                properties: properties))
        }
        return events
    }

    @Test(arguments: [0, 1, 7, 300])
    func readsWhatTheGenericDecoderReads(count: Int) throws {
        let request = TrackEventsRequest(accountID: 42, events: Self.events(count, seed: UInt64(count) + 5))
        let bytes = try WireEncoder().encode(request)
        #expect(bytes == (try WireEncoder().encode(GenericRequest(accountID: 42, events: request.events))))
        let fast = try WireDecoder().decode(TrackEventsRequest.self, from: bytes)
        let generic = try WireDecoder().decode(GenericRequest.self, from: bytes)
        #expect(fast.events == generic.events)
        #expect(fast == request)
    }

    @Test func newerFieldsAreSkippedAndWrongTypesRefused() throws {
        struct NewerEvent: Codable {
            var metric: String, profile: ProfileIdentifiers, note: String, count: Int64
            enum CodingKeys: Int, CodingKey { case metric = 1, profile, note = 12, count = 13 }
        }
        struct NewerRequest: Codable {
            var accountID: UInt64, events: [NewerEvent]
            enum CodingKeys: Int, CodingKey { case accountID = 1, events }
        }
        let newer = NewerRequest(accountID: 1, events: [NewerEvent(metric: "M", profile: ProfileIdentifiers(email: "a@b.co"), note: "x", count: -3)])
        let read = try WireDecoder().decode(TrackEventsRequest.self, from: try WireEncoder().encode(newer))
        #expect(read.events == [EventInput(metric: "M", profile: ProfileIdentifiers(email: "a@b.co"))])

        struct WrongEvent: Codable {
            var metric: Int64, profile: ProfileIdentifiers
            enum CodingKeys: Int, CodingKey { case metric = 1, profile }
        }
        struct WrongRequest: Codable {
            var accountID: UInt64, events: [WrongEvent]
            enum CodingKeys: Int, CodingKey { case accountID = 1, events }
        }
        let wrong = try WireEncoder().encode(WrongRequest(accountID: 1, events: [WrongEvent(metric: 5, profile: ProfileIdentifiers())]))
        #expect(throws: (any Error).self) { try WireDecoder().decode(TrackEventsRequest.self, from: wrong) }
        #expect(throws: (any Error).self) { try WireDecoder().decode(GenericRequest.self, from: wrong) }
    }
}
