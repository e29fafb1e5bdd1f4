import SextantWire
import Testing

/// ``WireFieldPeek`` reads the same field the decoder would, and refuses what the decoder refuses.
@Suite struct WireFieldPeekTests {
    struct Message: Codable, Equatable {
        var id: UInt64
        var ratio: Double
        var name: String
        var tags: [String]
        var note: String?
        enum CodingKeys: Int, CodingKey { case id = 1, ratio, name, tags, note }
    }

    @Test func findsTheFieldTheDecoderReads() throws {
        let message = Message(id: 300, ratio: 0.5, name: "Hub Opened ✓", tags: ["a", "b"], note: nil)
        let bytes = try WireEncoder().encode(message)
        #expect(try WireFieldPeek.string(field: 3, in: bytes) == "Hub Opened ✓")
        #expect(try WireFieldPeek.string(field: 3, in: bytes) == WireDecoder().decode(Message.self, from: bytes).name)
        // Absent: nil (the optional note was not written; 9 was never a field).
        #expect(try WireFieldPeek.string(field: 5, in: bytes) == nil)
        #expect(try WireFieldPeek.string(field: 9, in: bytes) == nil)
    }

    @Test func refusesMalformedMessagesAndOtherWireTypes() throws {
        let bytes = try WireEncoder().encode(Message(id: 1, ratio: 2, name: "x", tags: [], note: "n"))
        #expect(throws: WireFieldPeek.Failure.wrongWireType(1)) { try WireFieldPeek.string(field: 1, in: bytes) }
        #expect(throws: WireFieldPeek.Failure.wrongWireType(2)) { try WireFieldPeek.string(field: 2, in: bytes) }
        // Cut anywhere inside: never a crash, never a wrong answer.
        for length in 1..<bytes.count {
            let cut = Array(bytes.prefix(length))
            if let text = try? WireFieldPeek.string(field: 3, in: cut) { #expect(text == "x") }
        }
        #expect(throws: WireFieldPeek.Failure.malformed) { try WireFieldPeek.string(field: 3, in: [0x1A, 0x05, 0x61]) }
        #expect(throws: WireFieldPeek.Failure.malformed) { try WireFieldPeek.string(field: 3, in: [0x1B]) }
    }
}
