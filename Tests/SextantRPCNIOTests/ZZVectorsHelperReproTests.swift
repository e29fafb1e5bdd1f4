// TEMPORARY reproduction by the golden-vectors helper; deleted after running.
import NIOCore
import SextantRPC
import SextantRPCNIO
import SextantTesting
import SextantWire
import Testing

@Suite("ZZ helper repro", .timeLimit(.minutes(1)))
struct ZZVectorsHelperReproTests {
    static func random(_ count: Int) -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test func halfCloseAfterExhaustingTheWindow() async throws {
        let config = NIOServerTransport.Configuration.defaults { $0.connection.settings.initialWindowSize = 65_536 }
        var router = RPCRouter()
        router.register(Echo.collect, clientStreaming: { requests, _ in
            // A handler that starts reading late: the window is not returned before the half-close arrives.
            try await Task.sleep(for: .milliseconds(300))
            var bytes = 0
            for try await request in requests { bytes += request.payload.count }
            return EchoMessage(text: "bytes:\(bytes)")
        })
        let server = try await LoopbackServer.start(router: router, configuration: config)
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        var outcome = "ok"
        do {
            let reply = try await client.clientStreaming(Echo.collect) { writer in
                try await writer.write(EchoMessage(payload: Self.random(40_000)))
                try await writer.write(EchoMessage(payload: Self.random(40_000)))
            }
            outcome = "ok \(reply.text)"
        } catch {
            outcome = "error \(error)"
        }
        print("REPRO halfClose:", outcome)
        await server.stop()
    }

    @Test func compressedFrameAbovePeerMaxFrameSize() async throws {
        let config = NIOServerTransport.Configuration.defaults { $0.connection.settings.maxFrameSize = 16_384 }
        let server = try await LoopbackServer.start(router: Echo.router(), configuration: config)
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        var outcome = "ok"
        do {
            _ = try await client.unary(Echo.get, EchoMessage(payload: Self.random(19_000) + Array(repeating: 0, count: 2_000)))
        } catch {
            outcome = "error \(error)"
        }
        print("REPRO compressedTooLarge:", outcome)
        // A second call on the same transport: did the connection survive?
        do {
            _ = try await client.unary(Echo.get, EchoMessage(text: "after"))
            print("REPRO compressedTooLarge second call: ok")
        } catch {
            print("REPRO compressedTooLarge second call: error \(error)")
        }
        await server.stop()
    }
}
