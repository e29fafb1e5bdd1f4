/// The HTTP API's limits.
public struct GatewayConfiguration: Sendable, Hashable {
    /// The largest request body of any route but the batch, in bytes. Default: 1 MiB.
    public var maximumBodyBytes: Int = 1_048_576
    /// The largest body of `POST …/events/batch`, in bytes. Default: 5 MiB (ingest's batch limit).
    public var maximumBatchBytes: Int = 5 * 1_048_576
    /// The most events in one batch. Default: 1,000 (ingest's batch limit).
    public var maximumBatchEvents: Int = 1_000

    public init() {}

    public static var defaults: GatewayConfiguration { GatewayConfiguration() }
}
