public import SextantRPC

/// The gateway's own mutual-TLS service: API-key administration for the operator's `sextant`
/// command-line tool (caller identity `admin` only). proto-spec/gateway.md describes it.
///
/// The HTTP API manages an account's keys with an API key; this service is how the first
/// operator key, and any key at all without a key in hand, is made.
public enum GatewayService {
    public static let serviceName = "sextant.gateway.v1.Gateway"

    /// Only the operator's tool: a key is a credential for the public API.
    static let administrators = CallerPolicy.only(.admin)

    /// Creates a key and returns its secret, the only time the secret is ever shown.
    public static let createKey = RPCMethod<CreateKeyRequest, CreatedKey>(
        service: serviceName, method: "CreateKey", kind: .unary, allowedCallers: administrators)
    /// Lists keys (one account's, or the operator keys), without secrets, revoked ones included.
    public static let listKeys = RPCMethod<ListKeysRequest, KeyList>(
        service: serviceName, method: "ListKeys", kind: .unary, allowedCallers: administrators)
    /// Revokes a key at once; revoking a revoked key changes nothing.
    public static let revokeKey = RPCMethod<RevokeKeyRequest, KeyInfo>(
        service: serviceName, method: "RevokeKey", kind: .unary, allowedCallers: administrators)
}
