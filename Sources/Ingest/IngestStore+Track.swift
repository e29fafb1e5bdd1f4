public import Foundation
public import SextantContracts
import SextantWire

extension IngestStore {
    /// Stores a batch: validates each event, then, in one writer job, resolves profiles,
    /// de-duplicates, appends to the log and derives `Ordered Product` events. Returns after the
    /// batch is durable, with one outcome per event in request order.
    public func track(_ request: TrackEventsRequest) async throws -> TrackEventsResponse {
        guard !request.events.isEmpty else {
            throw IngestError.invalid([FieldError(field: "events", reason: "the batch is empty")])
        }
        guard request.events.count <= IngestLimits.eventsPerBatch else {
            throw IngestError.invalid([
                FieldError(field: "events", reason: "\(request.events.count) events; at most \(IngestLimits.eventsPerBatch) per batch")
            ])
        }
        let accountID = request.accountID
        try Self.checkStorable(accountID)
        let now = self.clock()
        // The account (unknown → notFound, Hub flag, derivation flag) is read once, in the writer.
        let batch = try PreparedBatch(request.events, now: now)
        return try await self.backend.write(hint: .identifiers(batch.identityKeys(accountID: accountID))) { transaction in
            try batch.store(transaction, accountID: accountID, now: now)
        }
    }
}

/// A batch made ready for the writer by the caller's task: validated, identifiers normalized,
/// idempotency keys computed and bodies encoded, so the writer only looks up and inserts.
struct PreparedBatch: Sendable {
    struct Event: Sendable {
        var index: Int
        var metric: String
        var identities: [(IdentityKind, String)]
        /// "u:<unique id>", or "t:<unix seconds>" when the client gave none.
        var uniqueKey: String
        var orderID: String?
        var bodyPrefix: [UInt8]
        var derived: [Derived]
    }

    struct Derived: Sendable {
        var uniqueKey: String
        var bodyPrefix: [UInt8]
    }

    var outcomes: [EventOutcome]
    var events: [Event]
    /// Order ids of the client's own `Ordered Product` events in this batch: their orders are not derived.
    var clientOrderedProductOrders: Set<String>

    init(_ inputs: [EventInput], now: Date) throws {
        let validator = EventValidator(now: now)
        self.outcomes = []
        self.outcomes.reserveCapacity(inputs.count)
        self.events = []
        self.events.reserveCapacity(inputs.count)
        self.clientOrderedProductOrders = []
        for (index, input) in inputs.enumerated() {
            let problems = validator.problems(in: input)
            guard problems.isEmpty else {
                self.outcomes.append(EventOutcome(status: .rejected, errors: problems))
                continue
            }
            self.outcomes.append(EventOutcome(status: .stored))
            let time = input.time ?? now
            let uniqueKey = input.uniqueID.map { "u:" + $0 } ?? "t:\(Int64(time.timeIntervalSince1970.rounded(.down)))"
            let orderID = OrderedProductDerivation.orderID(of: input)
            if input.metric == StandardMetric.orderedProduct, let orderID {
                self.clientOrderedProductOrders.insert(orderID)
            }
            let body = EventBody(
                metric: input.metric, time: time, receivedAt: now, value: input.value, uniqueID: input.uniqueID,
                properties: input.properties)
            var derived: [Derived] = []
            if input.metric == StandardMetric.placedOrder {
                for item in OrderedProductDerivation.items(of: input).items {
                    let itemBody = EventBody(
                        metric: StandardMetric.orderedProduct, time: time, receivedAt: now, value: item.value,
                        uniqueID: nil, properties: item.properties)
                    derived.append(Derived(uniqueKey: "d:\(uniqueKey)#\(item.index)", bodyPrefix: try itemBody.encodedFields()))
                }
            }
            self.events.append(Event(
                index: index, metric: input.metric, identities: IdentityResolver.keys(of: input.profile),
                uniqueKey: uniqueKey, orderID: orderID, bodyPrefix: try body.encodedFields(), derived: derived))
        }
    }

    /// Runs on the writer inside the shared transaction.
    func store(_ transaction: any IngestTransaction, accountID: UInt64, now: Date) throws -> TrackEventsResponse {
        var account = try transaction.account(accountID)
        let resolver = IdentityResolver(transaction: transaction, accountID: accountID, now: now)
        let keys = EventKeyIndex(transaction: transaction, accountID: accountID)
        let firstPosition = transaction.nextPosition
        var outcomes = self.outcomes
        var derivedCount: UInt32 = 0
        var clientSentOrderedProduct = false

        for event in self.events {
            if !account.customerHubActive, StandardMetric.customerHub.contains(event.metric) {
                outcomes[event.index] = EventOutcome(status: .notCollected, errors: [
                    FieldError(field: "metric", reason: "the account's Customer Hub is inactive; Hub events are not collected")
                ])
                continue
            }
            let profile = try resolver.resolve(event.identities)
            let position = transaction.nextPosition
            if let original = try keys.claim(profile: profile, metric: event.metric, uniqueKey: event.uniqueKey, position: position) {
                outcomes[event.index] = EventOutcome(status: .duplicate, position: original, profileID: profile)
                continue
            }
            _ = try transaction.appendLog(
                accountID: accountID, kind: .event,
                body: EventBody.complete(event.bodyPrefix, position: position, accountID: accountID, profileID: profile, derivedFrom: 0))
            outcomes[event.index] = EventOutcome(status: .stored, position: position, profileID: profile)
            if event.metric == StandardMetric.orderedProduct { clientSentOrderedProduct = true }

            // Derived items: not once the account sends its own, nor for an order whose own arrived here.
            if !event.derived.isEmpty, !account.sendsOrderedProducts,
               !(event.orderID.map(self.clientOrderedProductOrders.contains) ?? false) {
                for item in event.derived {
                    let itemPosition = transaction.nextPosition
                    let existing = try keys.claim(
                        profile: profile, metric: StandardMetric.orderedProduct, uniqueKey: item.uniqueKey, position: itemPosition)
                    guard existing == nil else { continue }
                    _ = try transaction.appendLog(
                        accountID: accountID, kind: .event,
                        body: EventBody.complete(
                            item.bodyPrefix, position: itemPosition, accountID: accountID, profileID: profile, derivedFrom: position))
                    derivedCount += 1
                }
            }
        }
        if clientSentOrderedProduct, !account.sendsOrderedProducts {
            account.sendsOrderedProducts = true
            account.updatedAt = now
            try transaction.saveAccount(account, isNew: false)
        }
        // Everything appended by this job (events, merges, the account) belongs to this account.
        let head = transaction.nextPosition > firstPosition ? transaction.nextPosition - 1 : try transaction.accountHead(accountID)
        return TrackEventsResponse(outcomes: outcomes, derivedEvents: derivedCount, head: head)
    }

    /// Every identifier the batch names, for a backend that fetches them before running it.
    func identityKeys(accountID: UInt64) -> [IdentityKey] {
        self.events.flatMap { event in event.identities.map { IdentityKey(accountID: accountID, kind: $0.0, value: $0.1) } }
    }
}

/// The idempotency index of one account, inside the writer's transaction.
struct EventKeyIndex {
    let transaction: any IngestTransaction
    let accountID: UInt64

    /// The position of the event already stored for (profile, metric, unique key), or nil after
    /// recording `position` as that event's. The profile's own event wins; failing that, the
    /// earliest one stored by a profile merged into it (its history now belongs to this one).
    /// Point lookups only: a time-derived key shared by thousands of profiles costs no more.
    func claim(profile: UInt64, metric: String, uniqueKey: String, position: UInt64) throws -> UInt64? {
        let transaction = self.transaction
        if let own = try transaction.storedEventKey(accountID: self.accountID, uniqueKey: uniqueKey, metric: metric, profile: profile) {
            return own
        }
        var original: UInt64?
        for id in try transaction.profilesMerged(accountID: self.accountID, into: profile) {
            if let stored = try transaction.storedEventKey(accountID: self.accountID, uniqueKey: uniqueKey, metric: metric, profile: id) {
                original = min(original ?? stored, stored)
            }
        }
        if let original { return original }
        try transaction.insertEventKey(accountID: self.accountID, uniqueKey: uniqueKey, metric: metric, profile: profile, position: position)
        return nil
    }
}
