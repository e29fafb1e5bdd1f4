import ArgumentParser
import SextantRPC
import SextantRPCNIO
import SextantTesting

/// `sextant rpc-demo`: starts an echo server over mutual TLS on 127.0.0.1 and makes every kind of
/// call against it, printing what happened. Shows the RPC layer working end to end until the
/// services arrive.
struct RPCDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc-demo",
        abstract: "Run an echo server over mutual TLS and call it with every call kind."
    )

    func run() async throws {
        let server = try await LoopbackServer.start(router: Echo.router(), identity: .ingestService)
        print("echo server listening on 127.0.0.1:\(server.port) (mutual TLS 1.3, identity \(ServiceIdentity.ingestService.uri))")
        let transport = try server.clientTransport(as: .gateway, expecting: .ingestService)
        let client = RPCClient(transport: transport)

        let health = try await client.unary(Health.check, HealthCheckRequest())
        print("health: \(health.status)")

        let reply = try await client.unary(Echo.get, EchoMessage(text: "hello over mTLS"))
        print("unary: \(reply.text)")

        let count = try await client.serverStreaming(Echo.expand, EchoMessage(text: "tick", count: 5)) { stream in
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        print("server-streaming: received \(count) messages")

        let collected = try await client.clientStreaming(Echo.collect) { writer in
            for _ in 0..<1000 { try await writer.write(EchoMessage(payload: [UInt8](repeating: 1, count: 100))) }
        }
        print("client-streaming: server counted \(collected.count) messages, \(collected.text)")

        let echoed = try await client.bidirectional(Echo.update) { writer in
            for index in 0..<3 { try await writer.write(EchoMessage(count: Int64(index))) }
        } responses: { stream in
            var counts: [Int64] = []
            for try await message in stream { counts.append(message.count) }
            return counts
        }
        print("bidirectional: echoed \(echoed)")

        do {
            _ = try await client.unary(Echo.get, EchoMessage(text: "sleep:2000"), options: CallOptions(timeout: .milliseconds(100)))
        } catch let error as RPCError {
            print("deadline: \(error)")
        }
        do {
            _ = try await client.unary(Echo.gatewayOnly, EchoMessage())
            let billing = RPCClient(transport: try server.clientTransport(as: .billingService))
            _ = try await billing.unary(Echo.gatewayOnly, EchoMessage())
        } catch let error as RPCError {
            print("authorization: \(error)")
        }
        await transport.close()
        await server.stop()
        print("done")
    }
}
