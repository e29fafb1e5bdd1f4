import NIOCore
import SextantRPC
import Testing

@Suite("RPC core types")
struct RPCCoreTests {
    @Test(arguments: Array(0...16))
    func statusCodesKeepGRPCNumbers(number: Int) throws {
        let code = try #require(Status.Code(rawValue: number))
        #expect(code.rawValue == number)
    }

    @Test func unknownStatusNumbersAreRejected() {
        #expect(Status.Code(rawValue: 17) == nil)
        #expect(Status.Code(rawValue: -1) == nil)
    }

    @Test func rpcErrorNeverCarriesOk() {
        #expect(RPCError(code: .ok, message: "x").code == .unknown)
        #expect(RPCError(status: .ok) == nil)
    }

    @Test func compressionRoundTripsAndRefusesBombs() throws {
        let message = ByteBuffer(bytes: Array(repeating: UInt8(ascii: "a"), count: 100_000))
        let compressed = try #require(MessageCompression.compress(message))
        #expect(compressed.readableBytes < 1_000)
        #expect(try MessageCompression.decompress(compressed, limit: 100_000) == message)
        let error = #expect(throws: RPCError.self) { try MessageCompression.decompress(compressed, limit: 50_000) }
        #expect(error?.code == .resourceExhausted)
        #expect(throws: RPCError.self) { try MessageCompression.decompress(ByteBuffer(bytes: [1, 2, 3, 4]), limit: 1000) }
    }

    @Test func incompressibleMessagesAreSentAsTheyAre() {
        var rng = SystemRandomNumberGenerator()
        let random = ByteBuffer(bytes: (0..<2000).map { _ in UInt8.random(in: 0...255, using: &rng) })
        #expect(MessageCompression.compress(random) == nil)
    }

    @Test func flowWindowBlocksUntilCreditReturns() async throws {
        let window = FlowWindow(initial: 10)
        try await window.reserve(15)  // open window: allowed, goes negative
        #expect(window.available == -5)
        let waiter = Task { try await window.reserve(1) }
        try await Task.sleep(for: .milliseconds(50))
        window.release(10)
        try await waiter.value
        #expect(window.available == 4)
    }
}
