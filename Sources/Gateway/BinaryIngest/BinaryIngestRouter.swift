import NIOConcurrencyHelpers
public import SextantContracts
public import SextantRPC

/// The gateway's binary ingest port: Sextant's binary RPC protocol for high-volume clients that
/// hold an API key instead of a suite certificate.
///
/// The port speaks TLS without client certificates; every call arrives as the caller
/// ``callerIdentity`` and authenticates itself with request metadata
/// `authorization: Bearer <secret>` (an `admin` or `ingest-only` key). It answers
/// `sextant.ingest.v1.Ingest/TrackEvents` and `…/TrackEventStream` (the same messages as
/// ingest-service itself) for the key's own account and forwards them to ingest-service.
///
/// | failure | status |
/// | --- | --- |
/// | no or unknown or revoked key | `unauthenticated` |
/// | a role other than admin or ingest-only | `permissionDenied` |
/// | a request for another account | `permissionDenied` (the stream ends) |
/// | ingest-service down or slow | its status (`unavailable`, `deadlineExceeded`) |
public enum BinaryIngest {
    /// The identity every call on the binary port carries (it has no certificate).
    public static let callerIdentity = ServiceIdentity(validating: "api-client")!

    /// How many batches of a stream pass between checks that its key is still valid.
    static let revocationCheckInterval = 100

    /// The roles that may send events.
    static let roles: Set<APIKeyRole> = [.admin, .ingestOnly]

    /// `TrackEvents` as served on the binary port: the ingest contract's method, callable by API clients.
    public static let trackEvents = RPCMethod<TrackEventsRequest, TrackEventsResponse>(
        service: IngestService.serviceName, method: "TrackEvents", kind: .unary, allowedCallers: .only(callerIdentity))
    /// `TrackEventStream` as served on the binary port.
    public static let trackEventStream = RPCMethod<TrackEventsRequest, TrackEventsResponse>(
        service: IngestService.serviceName, method: "TrackEventStream", kind: .bidirectional, allowedCallers: .only(callerIdentity))

    /// A router for the binary port.
    /// - Parameters:
    ///   - keys: Where keys are checked.
    ///   - ingest: ingest-service; unary calls get its deadline, streams the caller's deadline (if any).
    public static func router(keys: any APIKeyStorage, ingest: Downstream) -> RPCRouter {
        var router = RPCRouter()
        router.register(Self.trackEvents, unary: { request, context in
            let key = try await Self.authenticate(context, keys: keys)
            try Self.check(request, key: key)
            return try await ingest.unaryWithDeadline(IngestService.trackEvents, request)
        })
        router.register(Self.trackEventStream, bidirectional: { requests, writer, context in
            let key = try await Self.authenticate(context, keys: keys)
            let timeout = context.deadline.map { $0 - ContinuousClock.now }
            // A batch for another account ends the upstream stream cleanly (so the batches before
            // it are still answered), then the call with that refusal.
            let refusal = NIOLockedValueBox<RPCError?>(nil)
            try await ingest.client.bidirectional(
                IngestService.trackEventStream, options: CallOptions(timeout: timeout),
                requests: { upstream in
                    var sinceCheck = 0
                    for try await request in requests {
                        if let refused = Self.refusal(request, key: key) {
                            refusal.withLockedValue { $0 = refused }
                            return
                        }
                        // A key revoked while its stream is open stops the stream within
                        // ``revocationCheckInterval`` batches.
                        sinceCheck += 1
                        if sinceCheck >= Self.revocationCheckInterval {
                            sinceCheck = 0
                            if (try? await keys.key(id: key.id))??.revokedAt != nil {
                                refusal.withLockedValue { $0 = RPCError(code: .unauthenticated, message: "the API key was revoked") }
                                return
                            }
                        }
                        try await upstream.write(request)
                    }
                },
                responses: { responses in
                    for try await response in responses { try await writer.write(response) }
                })
            if let refusal = refusal.withLockedValue({ $0 }) { throw refusal }
        })
        return router
    }

    /// The valid key in the call's `authorization` metadata, if its role may send events.
    static func authenticate(_ context: ServerContext, keys: any APIKeyStorage) async throws -> KeyInfo {
        guard let header = context.metadata[stringValue: "authorization"] else {
            throw RPCError(code: .unauthenticated, message: "send an API key as metadata authorization: Bearer <key>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        let key: KeyInfo?
        do {
            key = parts.count == 2 && parts[0].lowercased() == "bearer" ? try await keys.authenticate(secret: String(parts[1])) : nil
        } catch {
            throw RPCError(code: .internalError, message: "the key store could not be read")
        }
        guard let key else { throw RPCError(code: .unauthenticated, message: "the API key is not valid") }
        guard Self.roles.contains(key.role) else {
            throw RPCError(code: .permissionDenied, message: "a \(key.role.name) key may not send events (admin or ingest-only)")
        }
        return key
    }

    static func check(_ request: TrackEventsRequest, key: KeyInfo) throws {
        if let refused = Self.refusal(request, key: key) { throw refused }
    }

    /// Why `request` may not be sent with `key`, or nil.
    static func refusal(_ request: TrackEventsRequest, key: KeyInfo) -> RPCError? {
        guard request.accountID != key.accountID else { return nil }
        return RPCError(code: .permissionDenied, message: "this key may not send events to account \(request.accountID)")
    }
}
