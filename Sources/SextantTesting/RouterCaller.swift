public import SextantRPC

/// Calls a server's handlers in process as any caller identity, one call at a time: the way the
/// services' handler tests exercise authorization, decoding and error mapping without sockets.
/// Built on ``InProcessTransport`` and `RPCClient`.
public struct RouterCaller: Sendable {
    public let server: RPCServer

    public init(server: RPCServer) {
        self.server = server
    }

    /// The response, or the call's `RPCError`.
    public func call<I, O>(_ method: RPCMethod<I, O>, _ request: I, as caller: ServiceIdentity? = .gateway) async throws -> O {
        try await RPCClient(transport: InProcessTransport(server: self.server, caller: caller)).unary(method, request)
    }

    /// The call's status code (`.ok` when it succeeded; nil for an error that is not an `RPCError`).
    public func code<I, O>(_ method: RPCMethod<I, O>, _ request: I, as caller: ServiceIdentity? = .gateway) async -> Status.Code? {
        do {
            _ = try await self.call(method, request, as: caller)
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            return nil
        }
    }
}
