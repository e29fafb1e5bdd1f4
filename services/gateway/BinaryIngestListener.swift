import Gateway
import Logging
import NIOCore
import NIOPosix
import SextantContracts
import SextantRPC
import SextantRPCNIO
import SextantService
import SextantWire

/// The binary ingest port: Sextant's binary protocol over TLS with the gateway's certificate,
/// without client certificates; calls authenticate with an API key in their metadata and may
/// only send events to the key's account (``BinaryIngest``).
final class BinaryIngestListener: Sendable {
    private let transport: NIOServerTransport
    private let address: ServiceAddress

    init(address: ServiceAddress, settings: ServiceSettings, keys: any APIKeyStorage, ingest: Downstream, logger: Logger) throws {
        var configuration = NIOServerTransport.Configuration.defaults
        configuration.clientAuthentication = .none(callerIdentity: BinaryIngest.callerIdentity)
        // A 5 MiB batch must fit in one message, as on ingest-service itself.
        configuration.connection.settings.maxFrameSize = UInt32(TrackEventsRequest.maximumBytes + 64 * 1_024)
        // Handlers check keys in SQLite and decode whole batches: not on the event loops.
        configuration.handlerExecution = .global
        self.transport = NIOServerTransport(
            server: RPCServer(router: BinaryIngest.router(keys: keys, ingest: ingest), logger: logger),
            host: address.host, port: address.port, tls: settings.tls, configuration: configuration,
            group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        self.address = address
    }

    /// Binds; returns the bound address.
    func start() async throws -> ServiceAddress {
        let bound = try await self.transport.start()
        return ServiceAddress(host: self.address.host, port: bound.port ?? self.address.port)
    }

    func stop() async {
        await self.transport.stop()
    }
}
