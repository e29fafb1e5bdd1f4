public import SextantContracts
public import SextantRPC

extension IngestService {
    /// A router answering every ingest method from `store`.
    ///
    /// - Parameter customMetricLimit: asks billing-service for an account's custom-metric limit
    ///   (its entitlements); nil, or an answer of nil (billing has not seen the account yet): the
    ///   limit of the plan recorded on the account. Its errors (billing unavailable, say) fail the
    ///   call: a metric is never created without a known limit.
    public static func router(
        store: IngestStore, customMetricLimit: (@Sendable (_ accountID: UInt64) async throws -> Int?)? = nil
    ) -> RPCRouter {
        var router = RPCRouter()
        router.register(IngestService.createAccount, unary: { request, _ in try await store.createAccount(request) })
        router.register(IngestService.updateAccount, unary: { request, _ in try await store.updateAccount(request) })
        router.register(IngestService.getAccount, unary: { request, _ in try await store.account(request.accountID) })
        router.register(IngestService.listAccounts, unary: { _, _ in AccountList(accounts: try await store.accounts()) })

        router.register(IngestService.trackEvents, unary: { request, _ in try await store.track(request) })
        router.register(IngestService.trackEventStream, bidirectional: { requests, writer, _ in
            // Each batch is answered once durable, in order; a bad batch ends the call with its error.
            for try await request in requests {
                try await writer.write(try await store.track(request))
            }
        })
        router.register(IngestService.getEvent, unary: { request, _ in
            try await store.event(accountID: request.accountID, position: request.position)
        })

        router.register(IngestService.upsertProfile, unary: { request, _ in try await store.upsertProfile(request) })
        router.register(IngestService.getProfile, unary: { request, _ in try await store.profile(request) })

        router.register(IngestService.createCustomMetric, unary: { request, _ in
            _ = try await store.account(request.accountID)
            let limit = try await customMetricLimit?(request.accountID) ?? nil
            return try await store.createCustomMetric(request, limit: limit)
        })
        router.register(IngestService.listCustomMetrics, unary: { request, _ in
            _ = try await store.account(request.accountID)
            let limit = try await customMetricLimit?(request.accountID) ?? nil
            return try await store.customMetrics(accountID: request.accountID, limit: limit)
        })

        router.register(IngestService.logHead, unary: { request, _ in
            if let accountID = request.accountID { _ = try await store.account(accountID) }
            return LogHead(position: try await store.head(accountID: request.accountID))
        })
        router.register(IngestService.subscribe, serverStreaming: { request, writer, _ in
            try await LogSubscription(store: store, request: request).run { batch in try await writer.write(batch) }
        })
        return router
    }
}

/// Serves one subscription: the stored log after a position in batches, then (when following)
/// each new commit. Writing waits for the subscriber's flow-control window, so a slow subscriber
/// holds back only its own reads, and memory stays one batch per subscription.
public struct LogSubscription: Sendable {
    /// A batch stops growing once its bodies reach this size, so it stays well under any peer's
    /// message limit however large the events are (a single entry can still be up to 5 MiB).
    public static let batchBytes = 1_048_576

    let store: IngestStore
    let request: SubscribeRequest

    public init(store: IngestStore, request: SubscribeRequest) {
        self.store = store
        self.request = request
    }

    /// Delivers batches to `deliver` until caught up (not following) or cancelled (following).
    public func run(_ deliver: (LogBatch) async throws -> Void) async throws {
        do {
            try await self.deliverAll(deliver)
        } catch is CancellationError where Task.isCancelled {
            // The subscriber went away (a read noticed first): an end, not a failure.
        }
    }

    private func deliverAll(_ deliver: (LogBatch) async throws -> Void) async throws {
        if let accountID = self.request.accountID { _ = try await self.store.account(accountID) }
        let batchSize = Int(min(max(self.request.batchSize == 0 ? 1_000 : self.request.batchSize, 1), SubscribeRequest.maximumBatchSize))
        var cursor = self.request.after
        while !Task.isCancelled {
            // Every entry up to `seen` is committed, so the read below sees it; waiting on `seen`
            // (not on `cursor`) keeps an account's subscription from spinning on others' entries.
            let seen = self.store.notifier.head
            let entries = try await self.store.entries(
                after: cursor, accountID: self.request.accountID, limit: batchSize, maximumBytes: Self.batchBytes)
            if let last = entries.last {
                cursor = last.position
                let head = self.request.accountID == nil ? seen : try await self.store.head(accountID: self.request.accountID)
                try await deliver(LogBatch(entries: entries, head: max(head, cursor)))
                continue
            }
            guard self.request.follow, !self.store.subscriptionsEnded else { return }
            await self.store.waitForEntries(after: seen)
        }
    }
}
