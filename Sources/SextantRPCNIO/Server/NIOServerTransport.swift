public import Logging
public import NIOCore
import NIOConcurrencyHelpers
public import NIOPosix
import NIOSSL
public import SextantRPC
import SextantWire

/// Serves an ``RPCServer`` over TCP with TLS 1.3 and mutual authentication.
///
/// ```swift
/// let transport = NIOServerTransport(server: server, host: "127.0.0.1", port: 0, tls: identity)
/// let address = try await transport.start()     // port 0: the bound port is in `address`
/// // ...
/// await transport.stop()                        // GOAWAY, let calls finish, close
/// ```
/// Clients must present a certificate signed by the suite CA; anything else fails the TLS
/// handshake and never reaches the RPC layer (unless ``Configuration/clientAuthentication`` says
/// otherwise for a public port).
public final class NIOServerTransport: Sendable {
    /// Where handlers run.
    public struct HandlerExecution: Sendable, Hashable {
        enum Kind: Hashable {
            case eventLoop
            case global
        }

        let kind: Kind

        /// On the connection's event loop: no thread hops, the fastest choice for handlers that
        /// only await (the default).
        public static let eventLoop = HandlerExecution(kind: .eventLoop)
        /// On Swift's global concurrent executor: for handlers that block or compute for long.
        public static let global = HandlerExecution(kind: .global)
    }

    /// How clients prove who they are.
    public struct ClientAuthentication: Sendable, Hashable {
        enum Kind: Hashable {
            case mutualTLS
            case none(callerIdentity: ServiceIdentity)
        }

        let kind: Kind

        /// Clients must present a certificate from the suite CA; each call's caller is the
        /// identity it names (the default, and what every service port uses).
        public static let mutualTLS = ClientAuthentication(kind: .mutualTLS)

        /// TLS without client certificates: none is requested or checked, and every call arrives
        /// with the caller `callerIdentity`, so that only methods allowing that identity can be
        /// called. For a public port where calls authenticate themselves in their metadata (the
        /// gateway's binary ingest port, with API keys); never for a suite service's port.
        public static func none(callerIdentity: ServiceIdentity) -> ClientAuthentication {
            ClientAuthentication(kind: .none(callerIdentity: callerIdentity))
        }
    }

    /// Server settings.
    public struct Configuration: Sendable {
        /// Connection-level settings (frame size, windows, streams, compression, keepalive).
        /// Default: ``ConnectionConfiguration/defaults``.
        public var connection: ConnectionConfiguration
        /// Where handlers run. Default: ``HandlerExecution/eventLoop``.
        public var handlerExecution: HandlerExecution
        /// How long a graceful shutdown waits for calls in flight before closing. Default: 10 s.
        public var shutdownGracePeriod: Duration
        /// How clients authenticate. Default: ``ClientAuthentication/mutualTLS``.
        public var clientAuthentication: ClientAuthentication = .mutualTLS

        /// The defaults listed on each property.
        public static var defaults: Configuration {
            Configuration(connection: .defaults, handlerExecution: .eventLoop, shutdownGracePeriod: .seconds(10))
        }

        /// The defaults, adjusted by `configure`.
        public static func defaults(_ configure: (inout Configuration) -> Void) -> Configuration {
            var configuration = Configuration.defaults
            configure(&configuration)
            return configuration
        }

        /// Creates a configuration.
        public init(connection: ConnectionConfiguration, handlerExecution: HandlerExecution, shutdownGracePeriod: Duration) {
            self.connection = connection
            self.handlerExecution = handlerExecution
            self.shutdownGracePeriod = shutdownGracePeriod
        }
    }

    private struct State {
        var channel: (any Channel)?
        var shuttingDown = false
    }

    private let server: RPCServer
    private let host: String
    private let port: Int
    private let tls: TLSIdentity
    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let registry = ServerConnectionRegistry()
    private let state = NIOLockedValueBox(State())

    /// Creates a transport; nothing is bound until ``start()``.
    /// - Parameters:
    ///   - server: The calls to serve.
    ///   - host: The address to bind; default `127.0.0.1`.
    ///   - port: The port; 0 (the default) picks a free one, reported by ``start()``.
    ///   - tls: This server's certificate, key and the suite CA.
    ///   - configuration: Settings; default ``Configuration/defaults``.
    ///   - group: Event loops; default NIO's shared singleton group.
    ///   - logger: Connection-level logging.
    public init(
        server: RPCServer,
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: TLSIdentity,
        configuration: Configuration = .defaults,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sextant.rpc.nio.server")
    ) {
        self.server = server
        self.host = host
        self.port = port
        self.tls = tls
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    /// Binds and starts accepting connections.
    /// - Returns: The bound address (with the chosen port when `port` was 0).
    /// - Throws: When the TLS configuration is unusable or the address cannot be bound.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let tlsConfiguration: TLSConfiguration
        switch self.configuration.clientAuthentication.kind {
        case .mutualTLS: tlsConfiguration = self.tls.makeServerConfiguration()
        case .none: tlsConfiguration = self.tls.makeServerConfigurationWithoutClientCertificates()
        }
        let sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        let server = self.server
        let configuration = self.configuration
        let registry = self.registry
        let logger = self.logger
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLServerHandler(context: sslContext))
                    try sync.addHandler(
                        ByteToMessageHandler(FrameDecoder(maxFrameSize: Int(configuration.connection.settings.maxFrameSize)))
                    )
                    try sync.addHandler(
                        ServerConnectionHandler(server: server, configuration: configuration, registry: registry, logger: logger)
                    )
                }
            }
            .bind(host: self.host, port: self.port)
            .get()
        self.state.withLockedValue { $0.channel = channel }
        return channel.localAddress!
    }

    /// The bound address, once started.
    public var localAddress: SocketAddress? {
        self.state.withLockedValue { $0.channel?.localAddress }
    }

    /// Stops accepting, sends GOAWAY on every connection, lets calls in flight finish for up to
    /// the grace period, then closes everything. Health turns `notServing` at once.
    public func stop() async {
        let channel = self.state.withLockedValue { state -> (any Channel)? in
            state.shuttingDown = true
            return state.channel
        }
        self.server.health.markAllNotServing()
        try? await channel?.close()
        for connection in self.registry.all {
            connection.beginGracefulShutdown()
        }
        let deadline = ContinuousClock.now + self.configuration.shutdownGracePeriod
        while !self.registry.all.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for connection in self.registry.all {
            try? await connection.channel.close()
        }
    }
}

/// The live connections of a server, for shutdown.
final class ServerConnectionRegistry: Sendable {
    private let connections = NIOLockedValueBox<[ObjectIdentifier: ServerConnection]>([:])

    func add(_ connection: ServerConnection) {
        self.connections.withLockedValue { $0[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: ServerConnection) {
        self.connections.withLockedValue { _ = $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    var all: [ServerConnection] {
        self.connections.withLockedValue { Array($0.values) }
    }
}
