import SextantRPC
import SextantTesting
import Testing

/// The call semantics every transport must honour, run here over the in-process transport (no
/// socket). The same bodies run over loopback mutual TLS in SextantRPCNIOTests.
@Suite("RPC calls in process")
struct RPCCallTests {
    let observations = EchoObservations()

    func client(caller: ServiceIdentity? = .gateway, initialWindow: Int = 65_536) -> RPCClient {
        let server = RPCServer(router: Echo.router(observations: self.observations))
        return RPCClient(transport: InProcessTransport(server: server, caller: caller, initialWindow: initialWindow))
    }

    @Test func unary() async throws {
        let reply = try await self.client().unary(Echo.get, EchoMessage(text: "hi", payload: [1, 2, 3]))
        #expect(reply == EchoMessage(text: "hi", payload: [1, 2, 3]))
    }

    @Test func serverStreaming() async throws {
        let replies = try await self.client().serverStreaming(Echo.expand, EchoMessage(text: "x", count: 50)) { stream in
            var received: [Int64] = []
            for try await reply in stream { received.append(reply.count) }
            return received
        }
        #expect(replies == Array(0..<50))
    }

    @Test func clientStreaming() async throws {
        let reply = try await self.client().clientStreaming(Echo.collect) { writer in
            for _ in 0..<1_000 { try await writer.write(EchoMessage(payload: Array(repeating: 1, count: 100))) }
        }
        #expect(reply == EchoMessage(text: "bytes:100000", count: 1_000))
    }

    @Test func bidirectional() async throws {
        let replies = try await self.client().bidirectional(Echo.update) { writer in
            for index in 0..<100 { try await writer.write(EchoMessage(count: Int64(index))) }
        } responses: { stream in
            var received: [Int64] = []
            for try await reply in stream { received.append(reply.count) }
            return received
        }
        #expect(replies == Array(0..<100))
    }

    @Test func metadataReachesTheHandler() async throws {
        let reply = try await self.client().unary(
            Echo.get,
            EchoMessage(text: "metadata"),
            options: CallOptions(metadata: ["x-test": "value"])
        )
        #expect(reply.text == "value")
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let missing = RPCMethod<EchoMessage, EchoMessage>(
            service: Echo.serviceName, method: "Missing", kind: .unary, allowedCallers: .anyAuthenticated)
        let error = await #expect(throws: RPCError.self) { try await self.client().unary(missing, EchoMessage()) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message == "unknown method sextant.test.v1.Echo/Missing")
    }

    @Test func wrongIdentityIsPermissionDenied() async throws {
        let error = await #expect(throws: RPCError.self) {
            try await self.client(caller: .billingService).unary(Echo.gatewayOnly, EchoMessage())
        }
        #expect(error?.code == .permissionDenied)
        #expect(error?.message == "caller billing-service may not call sextant.test.v1.Echo/GatewayOnly")
        _ = try await self.client(caller: .gateway).unary(Echo.gatewayOnly, EchoMessage())
    }

    @Test func unauthenticatedCallerIsDenied() async throws {
        let error = await #expect(throws: RPCError.self) { try await self.client(caller: nil).unary(Echo.get, EchoMessage()) }
        #expect(error?.code == .permissionDenied)
    }

    @Test(arguments: Status.Code.allCases.filter { $0 != .ok })
    func handlerStatusReachesTheCaller(code: Status.Code) async throws {
        let error = await #expect(throws: RPCError.self) {
            try await self.client().unary(Echo.get, EchoMessage(text: "fail:\(code.rawValue)"))
        }
        #expect(error?.code == code)
        #expect(error?.message == "failed as asked")
    }

    @Test func foreignErrorsLeaveAsUnknownWithoutDetails() async throws {
        let error = await #expect(throws: RPCError.self) { try await self.client().unary(Echo.get, EchoMessage(text: "crash")) }
        #expect(error?.code == .unknown)
        #expect(error?.message.contains("customer data") == false)
    }

    @Test func deadlineExceeded() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: RPCError.self) {
            try await self.client().unary(Echo.get, EchoMessage(text: "sleep:60000"), options: CallOptions(timeout: .milliseconds(100)))
        }
        #expect(error?.code == .deadlineExceeded)
        // Far below the handler's 60 s, with room for a busy machine running tests in parallel.
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func cancellationReachesTheHandler() async throws {
        let client = self.client()
        let call = Task { try await client.unary(Echo.get, EchoMessage(text: "sleep:10000")) }
        try await Task.sleep(for: .milliseconds(100))
        call.cancel()
        let result = await call.result
        #expect(throws: RPCError.self) { try result.get() }
        // The handler's task was cancelled: it records that before throwing.
        for _ in 0..<200 where await self.observations.cancellations == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(await self.observations.cancellations == 1)
    }

    @Test func healthCheck() async throws {
        let server = RPCServer(router: Echo.router())
        let client = RPCClient(transport: InProcessTransport(server: server, caller: .admin))
        #expect(try await client.unary(Health.check, HealthCheckRequest()).status == .serving)
        #expect(try await client.unary(Health.check, HealthCheckRequest(service: "nope")).status == .serviceUnknown)
        server.health.set(.notServing, for: "ingest")
        #expect(try await client.unary(Health.check, HealthCheckRequest(service: "ingest")).status == .notServing)
        let statuses = try await client.serverStreaming(Health.watch, HealthCheckRequest(service: "ingest")) { stream in
            var seen: [ServingStatus] = []
            for try await response in stream {
                seen.append(response.status)
                if seen.count == 1 { server.health.set(.serving, for: "ingest") }
                if seen.count == 2 { break }
            }
            return seen
        }
        #expect(statuses == [.notServing, .serving])
    }

    @Test func slowReaderMakesTheWriterWait() async throws {
        // A 4 KiB window and 1000-byte messages: the reader's first batch returns the credit of
        // what it took, so the writer can get about two windows (10 messages) ahead, never 200.
        let client = self.client(initialWindow: 4096)
        try await client.serverStreaming(Echo.expand, EchoMessage(payload: Array(repeating: 0, count: 1000), count: 200)) { stream in
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
            try await Task.sleep(for: .milliseconds(200))
            let ahead = await self.observations.expanded
            #expect(ahead <= 12, "the writer ran \(ahead) messages ahead of a reader that took 1")
            var count = 1
            while try await iterator.next() != nil { count += 1 }
            #expect(count == 200)
        }
    }
}
