import SextantContracts
import SextantWire
import Ingest
import HTTPTypes
import Foundation
import NIOCore
import SextantRPC

/// A peer that is down: every call fails at once with `unavailable`, as a refused connection does.
struct UnavailableTransport: ClientTransport {
    func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream {
        throw RPCError(code: .unavailable, message: "connection refused")
    }
}

/// A peer that never answers and ignores cancellation too (the worst a broken transport can
/// do): only the gateway's own hard deadline gets the caller out.
struct SilentTransport: ClientTransport {
    func openStream(_ head: ClientCallHead, firstMessage: ByteBuffer?, endStream: Bool) async throws -> ClientStream {
        await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
        throw RPCError(code: .internalError, message: "unreachable")
    }
}
