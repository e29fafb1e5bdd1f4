import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
public import NIOPosix
public import Prometheus

/// A plain-HTTP endpoint for operators and Prometheus, separate from the service's mTLS port:
/// `GET /metrics` (Prometheus text format from the registry swift-metrics reports into) and
/// `GET /healthz` (200 "serving" or 503 with the reason, from ``health``). Anything else is 404.
/// It carries no customer data; bind it to an internal address.
public final class MetricsEndpoint: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let health: @Sendable () -> (ok: Bool, detail: String)
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    public init(registry: PrometheusCollectorRegistry, health: @escaping @Sendable () -> (ok: Bool, detail: String)) {
        self.registry = registry
        self.health = health
    }

    /// Binds and serves; returns the bound address.
    public func start(host: String, port: Int, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SocketAddress {
        let registry = self.registry
        let health = self.health
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHTTPHandler(registry: registry, health: health))
                }
            }
            .bind(host: host, port: port).get()
        self.channel.withLockedValue { $0 = channel }
        return channel.localAddress!
    }

    public func stop() async {
        let channel = self.channel.withLockedValue { value -> (any Channel)? in
            defer { value = nil }
            return value
        }
        try? await channel?.close()
    }
}

private final class MetricsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let health: @Sendable () -> (ok: Bool, detail: String)
    private var head: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, health: @escaping @Sendable () -> (ok: Bool, detail: String)) {
        self.registry = registry
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            let (status, type, body): (HTTPResponseStatus, String, [UInt8])
            switch (head.method, path) {
            case (.GET, "/metrics"):
                var bytes: [UInt8] = []
                self.registry.emit(into: &bytes)
                (status, type, body) = (.ok, "text/plain; version=0.0.4; charset=utf-8", bytes)
            case (.GET, "/healthz"):
                let state = self.health()
                (status, type, body) = (state.ok ? .ok : .serviceUnavailable, "text/plain; charset=utf-8", Array((state.detail + "\n").utf8))
            default:
                (status, type, body) = (.notFound, "text/plain; charset=utf-8", Array("not found: GET /metrics or /healthz\n".utf8))
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: "\(body.count)")
            headers.add(name: "Connection", value: head.isKeepAlive ? "keep-alive" : "close")
            context.write(self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { bound.value.close(promise: nil) }
            }
        }
    }
}
