/// Per-call settings a client chooses.
public struct CallOptions: Sendable {
    /// How long the call may take, measured from when it starts; `nil` for no deadline.
    /// Default: `nil`.
    public var timeout: Duration?
    /// Request metadata. Default: empty.
    public var metadata: Metadata

    /// No deadline, no metadata.
    public static var defaults: CallOptions { CallOptions(timeout: nil, metadata: [:]) }

    /// Creates options.
    public init(timeout: Duration? = nil, metadata: Metadata = [:]) {
        self.timeout = timeout
        self.metadata = metadata
    }
}

/// What a handler knows about the call it serves.
public struct ServerContext: Sendable {
    /// The method being called.
    public var method: MethodDescriptor
    /// The caller's identity from its certificate; `nil` if the transport has none.
    public var caller: ServiceIdentity?
    /// The request metadata.
    public var metadata: Metadata
    /// When the call must be finished; `nil` if the client set no deadline. The handler's task is
    /// cancelled when it passes.
    public var deadline: ContinuousClock.Instant?

    /// Creates a context.
    public init(method: MethodDescriptor, caller: ServiceIdentity?, metadata: Metadata, deadline: ContinuousClock.Instant?) {
        self.method = method
        self.caller = caller
        self.metadata = metadata
        self.deadline = deadline
    }
}
