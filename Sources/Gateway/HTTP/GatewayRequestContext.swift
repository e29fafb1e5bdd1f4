public import Hummingbird

/// The request context of the gateway's HTTP API. Bodies are read by each route with its own
/// limit (``GatewayConfiguration``), so Hummingbird's own decoding limit is not used.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
