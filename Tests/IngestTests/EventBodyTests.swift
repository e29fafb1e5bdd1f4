import Foundation
@testable import Ingest
import SextantContracts
import SextantWire
import Testing

@Suite struct EventBodyTests {
    /// The hand-written encoding of a stored event's fields equals the synthesized `Encodable`
    /// one, and with fields 1–3 and 10 appended it decodes as the `LoggedEvent`.
    @Test func handWrittenFieldsEqualTheGenericEncoding() throws {
        let values: [Decimal?] = [nil, 0, Decimal(string: "129.99")!, Decimal(string: "10000000000000")!, Decimal(string: "0.000001")!]
        let texts: [String?] = [nil, "", "order-1", "Ünïcödé ✓", String(repeating: "z", count: 200)]
        for index in 0..<50 {
            let body = EventBody(
                metric: index % 3 == 0 ? "Placed Order" : "Custom ✓ \(index)",
                time: Date(timeIntervalSinceReferenceDate: Double(index) * 12_345.678 - 1e8),
                receivedAt: Date(timeIntervalSinceReferenceDate: 8e8 + Double(index)),
                value: values[index % values.count], uniqueID: texts[index % texts.count],
                properties: index % 2 == 0 ? [:] : ["a": .number(Decimal(index)), "b": ["x", .null, ["y": true]], "é": "ü"])
            let fields = try body.encodedFields()
            #expect(fields == (try WireEncoder().encode(body)))
            let complete = EventBody.complete(fields, position: UInt64(index) + 1, accountID: 7, profileID: 99, derivedFrom: 3)
            let event = try WireDecoder().decode(LoggedEvent.self, from: complete)
            #expect(event == LoggedEvent(
                position: UInt64(index) + 1, accountID: 7, profileID: 99, metric: body.metric, time: body.time, receivedAt: body.receivedAt,
                value: body.value, uniqueID: body.uniqueID, properties: body.properties, derivedFrom: 3))
        }
    }
}
