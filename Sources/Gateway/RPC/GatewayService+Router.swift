public import SextantContracts
public import SextantRPC

extension GatewayService {
    /// A router answering the key-administration methods from `keys`.
    ///
    /// - Parameters:
    ///   - keys: The key store.
    ///   - accountExists: Whether an account exists (asked before creating one of its keys);
    ///     the executable asks ingest-service. Throws `RPCError` when that cannot be known.
    public static func router(
        keys: any APIKeyStorage, accountExists: @escaping @Sendable (UInt64) async throws -> Bool
    ) -> RPCRouter {
        var router = RPCRouter()
        router.register(GatewayService.createKey, unary: { request, _ in
            if let accountID = request.accountID, !(try await accountExists(accountID)) {
                throw RPCError(code: .notFound, message: "account \(accountID) does not exist")
            }
            return try await keys.create(accountID: request.accountID, role: request.role, name: request.name)
        })
        router.register(GatewayService.listKeys, unary: { request, _ in
            KeyList(keys: try await keys.list(accountID: request.accountID))
        })
        router.register(GatewayService.revokeKey, unary: { request, _ in
            try await keys.revoke(id: request.keyID)
        })
        return router
    }
}
