import NIOCore
import SextantRPC
import SextantRPCNIO
import SextantTesting
import SextantWire
import Testing

/// The RPC layer over real sockets with mutual TLS on 127.0.0.1: every call kind, deadlines,
/// cancellation, identities, and the server's handling of hostile connections.
@Suite("RPC over loopback mTLS", .timeLimit(.minutes(2)))
struct RPCEndToEndTests {
    @Test func allFourCallKinds() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let transport = try server.clientTransport(as: .gateway, expecting: .ingestService)
        let client = RPCClient(transport: transport)

        #expect(try await client.unary(Echo.get, EchoMessage(text: "hello")) == EchoMessage(text: "hello"))

        let streamed = try await client.serverStreaming(Echo.expand, EchoMessage(text: "s", count: 500)) { stream in
            var counts: [Int64] = []
            for try await message in stream { counts.append(message.count) }
            return counts
        }
        #expect(streamed == Array(0..<500))

        let collected = try await client.clientStreaming(Echo.collect) { writer in
            for _ in 0..<2_000 { try await writer.write(EchoMessage(payload: Array(repeating: 7, count: 100))) }
        }
        #expect(collected == EchoMessage(text: "bytes:200000", count: 2_000))

        // Batches larger than the window: sent in window-sized chunks, every message arrives once.
        let batched = try await client.clientStreaming(Echo.collect) { writer in
            var rng = SystemRandomNumberGenerator()
            let noise = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &rng) }  // incompressible
            let batch = (0..<500).map { _ in EchoMessage(payload: noise) }
            for _ in 0..<4 { try await writer.write(contentsOf: batch) }
        }
        #expect(batched == EchoMessage(text: "bytes:10000000", count: 2_000))

        let echoed = try await client.bidirectional(Echo.update) { writer in
            for index in 0..<300 { try await writer.write(EchoMessage(count: Int64(index))) }
        } responses: { stream in
            var counts: [Int64] = []
            for try await message in stream { counts.append(message.count) }
            return counts
        }
        #expect(echoed == Array(0..<300))

        await transport.close()
        await server.stop()
    }

    @Test func manyConcurrentCallsShareOneConnection() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let reply = try await client.unary(Echo.get, EchoMessage(text: "\(index)"))
                    #expect(reply.text == "\(index)")
                }
            }
            try await group.waitForAll()
        }
        await server.stop()
    }

    @Test func largeMessagesAreCompressedAndRoundTrip() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        let payload = Array(repeating: UInt8(ascii: "z"), count: 3_000_000)
        let reply = try await client.unary(Echo.get, EchoMessage(text: "big", payload: payload))
        #expect(reply.payload == payload)
        await server.stop()
    }

    @Test func messageOverThePeersFrameLimitIsRefusedClearly() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        var rng = SystemRandomNumberGenerator()
        let payload = (0..<5_000_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let error = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage(payload: payload)) }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.message.contains("max: 4194304") == true)
        // The connection is still fine for the next call.
        #expect(try await client.unary(Echo.get, EchoMessage(text: "after")).text == "after")
        await server.stop()
    }

    @Test func deadlineExceededReachesBothSides() async throws {
        let observations = EchoObservations()
        let server = try await LoopbackServer.start(router: Echo.router(observations: observations))
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        let error = await #expect(throws: RPCError.self) {
            try await client.unary(Echo.get, EchoMessage(text: "sleep:10000"), options: CallOptions(timeout: .milliseconds(200)))
        }
        #expect(error?.code == .deadlineExceeded)
        for _ in 0..<300 where await observations.cancellations == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await observations.cancellations == 1, "the handler's task was cancelled at the deadline")
        await server.stop()
    }

    @Test func clientCancellationCancelsTheHandler() async throws {
        let observations = EchoObservations()
        let server = try await LoopbackServer.start(router: Echo.router(observations: observations))
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        let call = Task { try await client.unary(Echo.get, EchoMessage(text: "sleep:10000")) }
        try await Task.sleep(for: .milliseconds(200))
        call.cancel()
        let result = await call.result
        #expect(throws: RPCError.self) { try result.get() }
        for _ in 0..<300 where await observations.cancellations == 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await observations.cancellations == 1)
        await server.stop()
    }

    @Test func unknownMethodAndStatusesTravel() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        let missing = RPCMethod<EchoMessage, EchoMessage>(
            service: Echo.serviceName, method: "Nope", kind: .unary, allowedCallers: .anyAuthenticated)
        let unknown = await #expect(throws: RPCError.self) { try await client.unary(missing, EchoMessage()) }
        #expect(unknown?.code == .unimplemented)
        let failed = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage(text: "fail:5")) }
        #expect(failed?.code == .notFound)
        #expect(failed?.message == "failed as asked")
        let metadata = try await client.unary(Echo.get, EchoMessage(text: "metadata"), options: CallOptions(metadata: ["x-test": "v"]))
        #expect(metadata.text == "v")
        await server.stop()
    }

    @Test func identityComesFromTheCertificate() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let asBilling = RPCClient(transport: try server.clientTransport(as: .billingService))
        #expect(try await asBilling.unary(Echo.get, EchoMessage(text: "caller")).text == "billing-service")
        let denied = await #expect(throws: RPCError.self) { try await asBilling.unary(Echo.gatewayOnly, EchoMessage()) }
        #expect(denied?.code == .permissionDenied)
        let asGateway = RPCClient(transport: try server.clientTransport(as: .gateway))
        _ = try await asGateway.unary(Echo.gatewayOnly, EchoMessage())
        await server.stop()
    }

    @Test func clientRefusesAServerWithTheWrongIdentity() async throws {
        let server = try await LoopbackServer.start(router: Echo.router(), identity: .billingService)
        let client = RPCClient(transport: try server.clientTransport(as: .gateway, expecting: .ingestService))
        let error = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage()) }
        #expect(error?.code == .unavailable)
        await server.stop()
    }

    @Test func untrustedClientCertificateGetsNoConnection() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.untrustedClientTransport(as: .gateway))
        let error = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage()) }
        #expect(error?.code == .unavailable)
        // Trusted clients are unaffected.
        let trusted = RPCClient(transport: try server.clientTransport(as: .gateway))
        #expect(try await trusted.unary(Echo.get, EchoMessage(text: "ok")).text == "ok")
        await server.stop()
    }

    @Test func slowReaderMakesTheServerWait() async throws {
        let observations = EchoObservations()
        let server = try await LoopbackServer.start(router: Echo.router(observations: observations))
        // The client grants each stream 16 KiB; 2 KiB messages: the reader's first batch returns
        // the credit of what it took, so the server can run about two windows (~18) ahead, not 500.
        let transport = try server.clientTransport(
            as: .gateway,
            configuration: .defaults { $0.connection.settings.initialWindowSize = 16_384 })
        let client = RPCClient(transport: transport)
        var rng = SystemRandomNumberGenerator()
        let payload = (0..<2048).map { _ in UInt8.random(in: 0...255, using: &rng) }  // incompressible
        try await client.serverStreaming(Echo.expand, EchoMessage(payload: payload, count: 500)) { stream in
            var iterator = stream.makeAsyncIterator()
            _ = try await iterator.next()
            try await Task.sleep(for: .milliseconds(300))
            let ahead = await observations.expanded
            #expect(ahead <= 20, "the server wrote \(ahead) messages while the client had read 1")
            var count = 1
            while try await iterator.next() != nil { count += 1 }
            #expect(count == 500)
        }
        await server.stop()
    }

    @Test func halfCloseAfterTheWindowRanOutKeepsTheConnection() async throws {
        let server = try await LoopbackServer.start(
            router: Echo.router(),
            configuration: .defaults { $0.connection.settings.initialWindowSize = 65_536 })
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        var rng = SystemRandomNumberGenerator()
        let payload = (0..<40_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let reply = try await client.clientStreaming(Echo.collect, options: CallOptions(metadata: ["x-delay-ms": "300"])) { writer in
            // Two messages exhaust the 64 KiB window; the half-close follows while it is still exhausted.
            try await writer.write(EchoMessage(payload: payload))
            try await writer.write(EchoMessage(payload: payload))
        }
        #expect(reply.count == 2)
        await server.stop()
    }

    @Test func compressedMessageStillObeysThePeersLimit() async throws {
        let server = try await LoopbackServer.start(
            router: Echo.router(),
            configuration: .defaults { $0.connection.settings.maxFrameSize = 16_384 })
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        var rng = SystemRandomNumberGenerator()
        // Compresses only a little: still over 16 KiB after zlib.
        let payload = (0..<21_000).map { index in index % 4 == 0 ? 0 : UInt8.random(in: 0...255, using: &rng) }
        let error = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage(payload: payload)) }
        #expect(error?.code == .resourceExhausted)
        // Refused locally: the connection is still good.
        #expect(try await client.unary(Echo.get, EchoMessage(text: "fine")).text == "fine")
        // A message that compresses under the limit but inflates over it is refused as well.
        let inflating = [UInt8](repeating: 1, count: 100_000)
        let second = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage(payload: inflating)) }
        #expect(second?.code == .resourceExhausted)
        await server.stop()
    }

    @Test func silentPeerIsClosedByKeepalive() async throws {
        let server = try await LoopbackServer.start(
            router: Echo.router(),
            configuration: .defaults {
                $0.connection.keepaliveInterval = .milliseconds(800)
                $0.connection.keepaliveTimeout = .milliseconds(800)
            })
        // A client that sends its preface and then never answers a PING.
        let connection = try await RawTLSConnection.connect(port: server.port, identity: try server.pki.tlsIdentity(for: .gateway))
        let (received, closed) = try await connection.exchange(.clientPreface(), timeout: .seconds(10))
        #expect(closed)
        let frames = RawTLSConnection.frames(in: received)
        #expect(frames.contains { $0.kind == .ping })
        let goAway = try #require(frames.first { $0.kind == .goAway })
        #expect(try WireDecoder().decode(GoAway.self, from: goAway.payload).errorCode == .keepaliveTimeout)
        await server.stop()
    }

    @Test func unreachableServerFailsFastDuringBackoff() async throws {
        // Port 1 on loopback: nothing listens there.
        let pki = try TestPKI.shared()
        let transport = try NIOClientTransport(
            host: "127.0.0.1", port: 1, tls: try pki.tlsIdentity(for: .gateway), server: nil,
            configuration: .defaults { $0.backoff.initial = .seconds(30) })
        let client = RPCClient(transport: transport)
        let first = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage()) }
        #expect(first?.code == .unavailable)
        let start = ContinuousClock.now
        let second = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage()) }
        #expect(second?.code == .unavailable)
        #expect(second?.message.contains("retrying after a backoff") == true)
        #expect(ContinuousClock.now - start < .milliseconds(500))
    }

    @Test func backoffGrowsAndIsCapped() {
        let backoff = NIOClientTransport.Backoff(initial: .milliseconds(100), multiplier: 2, maximum: .seconds(1), jitter: 0)
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 3) == .milliseconds(400))
        #expect(backoff.delay(afterFailures: 10) == .seconds(1))
    }

    @Test func healthOverTheNetwork() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .admin))
        #expect(try await client.unary(Health.check, HealthCheckRequest()).status == .serving)
        await server.stop()
    }

    @Test func gracefulShutdownDrainsCallsInFlight() async throws {
        let observations = EchoObservations()
        let server = try await LoopbackServer.start(router: Echo.router(observations: observations))
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        _ = try await client.unary(Echo.get, EchoMessage())  // connect
        let inFlight = Task { try await client.unary(Echo.get, EchoMessage(text: "sleep:500")) }
        // Shut down only once the call is running on the server.
        for _ in 0..<500 where await observations.sleepers == 0 { try await Task.sleep(for: .milliseconds(10)) }
        let stopping = Task { await server.stop() }
        // The call that was running when shutdown began still completes normally.
        #expect(try await inFlight.value.text == "sleep:500")
        await stopping.value
        // New calls are refused once the server is gone.
        let error = await #expect(throws: RPCError.self) { try await client.unary(Echo.get, EchoMessage()) }
        #expect(error?.code == .unavailable)
    }

    @Test func clientReconnectsAfterTheConnectionDrops() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let transport = try server.clientTransport(as: .gateway)
        let client = RPCClient(transport: transport)
        _ = try await client.unary(Echo.get, EchoMessage())
        // Drop every server-side connection; the next call opens a new one.
        await server.stop()
        let second = try await LoopbackServer.start(router: Echo.router())
        let again = RPCClient(transport: try second.clientTransport(as: .gateway))
        #expect(try await again.unary(Echo.get, EchoMessage(text: "new")).text == "new")
        await second.stop()
    }
}

@Suite("Hostile connections", .timeLimit(.minutes(2)))
struct HostileConnectionTests {
    func expectGoAway(_ bytes: ByteBuffer, code: GoAway.ErrorCode, server: LoopbackServer) async throws -> GoAway {
        let connection = try await RawTLSConnection.connect(port: server.port, identity: try server.pki.tlsIdentity(for: .gateway))
        let (received, closed) = try await connection.exchange(bytes)
        #expect(closed, "the server closed the connection")
        let frames = RawTLSConnection.frames(in: received)
        let goAway = try #require(frames.first { $0.kind == .goAway })
        let decoded = try WireDecoder().decode(GoAway.self, from: goAway.payload)
        #expect(decoded.errorCode == code)
        return decoded
    }

    @Test func oversizedFrameIsRefusedAndOtherConnectionsKeepWorking() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let client = RPCClient(transport: try server.clientTransport(as: .gateway))
        _ = try await client.unary(Echo.get, EchoMessage())

        var bytes = ByteBuffer.clientPreface()
        bytes.writeFrameHeader(FrameHeader(length: 64 << 20, kind: .message, flags: [], streamID: 1))
        let goAway = try await self.expectGoAway(bytes, code: .frameTooLarge, server: server)
        #expect(goAway.message == "frame exceeds the negotiated maximum (max: 4194304, actual: 67108864)")

        #expect(try await client.unary(Echo.get, EchoMessage(text: "still")).text == "still")
        await server.stop()
    }

    @Test func badPrefaceIsRefused() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        var bytes = ByteBuffer()
        bytes.writeString("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try await self.expectGoAway(bytes, code: .protocolError, server: server)
        await server.stop()
    }

    @Test func unknownFrameKindIsAProtocolError() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        var bytes = ByteBuffer.clientPreface()
        bytes.writeFrameHeader(FrameHeader(length: 0, kind: FrameKind(rawValue: 0x7F), flags: [], streamID: 1))
        _ = try await self.expectGoAway(bytes, code: .protocolError, server: server)
        await server.stop()
    }

    @Test func decreasingStreamIDIsAProtocolError() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        var bytes = ByteBuffer.clientPreface()
        let headers = try WireEncoder().encode(RequestHeadersPayloadForTests(method: "sextant.test.v1.Echo/Get"))
        bytes.writeFrame(Frame(kind: .headers, streamID: 5, payload: ByteBuffer(bytes: headers)))
        bytes.writeFrame(Frame(kind: .headers, streamID: 3, payload: ByteBuffer(bytes: headers)))
        _ = try await self.expectGoAway(bytes, code: .protocolError, server: server)
        await server.stop()
    }

    @Test func undecodableRequestGetsInvalidArgumentNotAClosedConnection() async throws {
        let server = try await LoopbackServer.start(router: Echo.router())
        let connection = try await RawTLSConnection.connect(port: server.port, identity: try server.pki.tlsIdentity(for: .gateway))
        var bytes = ByteBuffer.clientPreface()
        let headers = try WireEncoder().encode(RequestHeadersPayloadForTests(method: "sextant.test.v1.Echo/Get"))
        bytes.writeFrame(Frame(kind: .headers, streamID: 1, payload: ByteBuffer(bytes: headers)))
        bytes.writeFrame(Frame(kind: .message, flags: .endStream, streamID: 1, payload: ByteBuffer(bytes: [0x0B, 0xFF])))
        let (received, closed) = try await connection.exchange(bytes, timeout: .seconds(1))
        #expect(!closed, "a bad message fails its call, not the connection")
        let status = try #require(RawTLSConnection.frames(in: received).first { $0.kind == .status })
        let payload = try WireDecoder().decode(StatusForTests.self, from: status.payload)
        #expect(payload.code == UInt32(Status.Code.invalidArgument.rawValue))
        #expect(payload.message?.contains("does not decode") == true)
        await server.stop()
    }
}

/// The request headers payload as a client in another language would build it from proto-spec.
struct RequestHeadersPayloadForTests: Codable {
    var method: String
    enum CodingKeys: Int, CodingKey { case method = 1 }
}

/// The STATUS payload as proto-spec defines it.
struct StatusForTests: Codable {
    var code: UInt32
    var message: String?
    enum CodingKeys: Int, CodingKey { case code = 1, message = 2 }
}
