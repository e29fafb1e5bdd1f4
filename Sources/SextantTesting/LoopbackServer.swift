public import NIOCore
public import NIOPosix
public import SextantRPC
public import SextantRPCNIO

/// An ``RPCServer`` served over mutual TLS on 127.0.0.1 with a free port, for end-to-end tests.
///
/// ```swift
/// let server = try await LoopbackServer.start(router: Echo.router())
/// let client = RPCClient(transport: try server.clientTransport(as: .gateway))
/// defer { await server.stop() }
/// ```
public final class LoopbackServer: Sendable {
    /// The server whose calls are served.
    public let server: RPCServer
    /// The transport serving it.
    public let transport: NIOServerTransport
    /// The bound address.
    public let address: SocketAddress
    /// The certificates of this test run.
    public let pki: TestPKI

    private init(server: RPCServer, transport: NIOServerTransport, address: SocketAddress, pki: TestPKI) {
        self.server = server
        self.transport = transport
        self.address = address
        self.pki = pki
    }

    /// The bound port.
    public var port: Int { self.address.port! }

    /// Starts a server with `router`, proving `identity`.
    public static func start(
        router: RPCRouter,
        identity: ServiceIdentity = .ingestService,
        configuration: NIOServerTransport.Configuration = .defaults,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LoopbackServer {
        let pki = try TestPKI.shared()
        let server = RPCServer(router: router)
        let transport = NIOServerTransport(
            server: server,
            host: "127.0.0.1",
            port: 0,
            tls: try pki.tlsIdentity(for: identity),
            configuration: configuration,
            group: group
        )
        let address = try await transport.start()
        return LoopbackServer(server: server, transport: transport, address: address, pki: pki)
    }

    /// A client transport presenting `caller`'s certificate from the suite CA.
    public func clientTransport(
        as caller: ServiceIdentity,
        expecting server: ServiceIdentity? = nil,
        configuration: NIOClientTransport.Configuration = .defaults
    ) throws -> NIOClientTransport {
        try NIOClientTransport(
            host: "127.0.0.1",
            port: self.port,
            tls: try self.pki.tlsIdentity(for: caller),
            server: server,
            configuration: configuration
        )
    }

    /// A client transport presenting a certificate from a CA the server does not trust.
    public func untrustedClientTransport(as caller: ServiceIdentity) throws -> NIOClientTransport {
        try NIOClientTransport(
            host: "127.0.0.1",
            port: self.port,
            tls: try self.pki.untrustedTLSIdentity(for: caller),
            server: nil,
            configuration: .defaults { $0.connectTimeout = .seconds(3) }
        )
    }

    /// Stops the server gracefully.
    public func stop() async {
        await self.transport.stop()
    }
}
