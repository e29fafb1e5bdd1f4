import NIOCore
import NIOTestUtils
import SextantWire
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
    private func frameBytes(_ frames: [Frame], preface: Bool = true) -> ByteBuffer {
        var buffer = ByteBuffer()
        if preface { buffer.writeBytes(ConnectionPreface.bytes) }
        for frame in frames { buffer.writeFrame(frame) }
        return buffer
    }

    private let sample: [Frame] = [
        Frame(kind: .headers, flags: [], streamID: 1, payload: ByteBuffer(bytes: [0x0A, 0x01, 0x61])),
        Frame(kind: .message, flags: [.endStream], streamID: 1, payload: ByteBuffer(bytes: Array(repeating: 7, count: 300))),
        Frame(kind: .ping, streamID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])),
        Frame(kind: .message, flags: [.endStream, .noMessage], streamID: 3, payload: ByteBuffer()),
    ]

    @Test func verifierDripsAndMergesFrames() throws {
        var input = ByteBuffer()
        for frame in self.sample { input.writeFrame(frame) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(input, self.sample)],
            decoderFactory: { FrameDecoder(expectPreface: false) }
        )
    }

    @Test func headerLayoutIsElevenBytesBigEndian() {
        var buffer = ByteBuffer()
        buffer.writeFrame(Frame(kind: .message, flags: [.endStream, .compressed], streamID: 0x0102_0304, payload: ByteBuffer(bytes: [0xAA])))
        #expect(Array(buffer.readableBytesView) == [0, 0, 0, 1, 1, 0x02, 0x03, 0x01, 0x02, 0x03, 0x04, 0xAA])
    }

    @Test func prefaceThenFrames() throws {
        var decoder = FrameDecoder()
        var buffer = self.frameBytes(self.sample)
        var decoded: [Frame] = []
        while let frame = try decoder.next(from: &buffer) { decoded.append(frame) }
        #expect(decoded == self.sample)
    }

    @Test func wrongPrefaceIsAProtocolError() {
        var decoder = FrameDecoder()
        var buffer = ByteBuffer(bytes: Array("GET / HTTP/1.1\r\n".utf8))
        #expect(throws: FrameError(code: .protocolError, message: "connection preface missing: expected 53 58 54 01, received 47 45 54 20")) {
            _ = try decoder.next(from: &buffer)
        }
    }

    @Test func oversizedFrameIsRefusedFromItsHeaderAlone() {
        var decoder = FrameDecoder(maxFrameSize: 1024, expectPreface: false)
        var buffer = ByteBuffer()
        buffer.writeFrameHeader(FrameHeader(length: 5_000_000, kind: .message, flags: [], streamID: 1))
        // Only the header has arrived: the decoder must not wait for (or buffer) the payload.
        do {
            _ = try decoder.next(from: &buffer)
            Issue.record("oversized frame accepted")
        } catch {
            #expect(error.code == .frameTooLarge)
            #expect(error.message == "frame exceeds the negotiated maximum (max: 1024, actual: 5000000)")
        }
    }

    @Test func unknownKindAndVersionAreProtocolErrors() {
        for header in [
            FrameHeader(length: 0, kind: FrameKind(rawValue: 0x42), flags: [], streamID: 1),
            FrameHeader(length: 0, version: 9, kind: .ping, flags: [], streamID: 0),
        ] {
            var decoder = FrameDecoder(expectPreface: false)
            var buffer = ByteBuffer()
            buffer.writeFrameHeader(header)
            #expect(throws: FrameError.self) { _ = try decoder.next(from: &buffer) }
        }
    }

    @Test func settingsRoundTripAndDefaultsWhenAbsent() throws {
        let settings = ConnectionSettings.defaults { $0.maxFrameSize = 65_536 }
        let bytes = try WireEncoder().encode(settings)
        #expect(try WireDecoder().decode(ConnectionSettings.self, from: bytes) == settings)
        let empty = try WireDecoder().decode(ConnectionSettings.self, from: [])
        #expect(empty.maxFrameSize == 4 << 20 && empty.initialWindowSize == 1 << 20)
        #expect(throws: DecodingError.self) { try WireDecoder().decode(ConnectionSettings.self, from: [0x08, 0x01]) }
    }
}
