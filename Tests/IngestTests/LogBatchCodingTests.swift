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
