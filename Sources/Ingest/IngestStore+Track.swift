public import Foundation
import GRDB
public import SextantContracts
import SextantStore
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
        let now = self.clock()
        // The account (unknown → notFound, Hub flag, derivation flag) is read once, in the writer.
        let batch = try PreparedBatch(request.events, now: now)
        return try await self.write { db, memory in
            try batch.store(db: db, memory: memory, accountID: accountID, now: now)
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
    func store(db: Database, memory: WriterMemory, accountID: UInt64, now: Date) throws -> TrackEventsResponse {
        var account = try db.account(accountID)
        let resolver = IdentityResolver(db: db, memory: memory, accountID: accountID, now: now)
        let keys = try EventKeyIndex(db: db, accountID: accountID)
        let account64 = Int64(accountID)
        let firstPosition = memory.nextPosition
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
            let position = memory.nextPosition
            if let original = try keys.claim(profile: profile, metric: event.metric, uniqueKey: event.uniqueKey, position: position) {
                outcomes[event.index] = EventOutcome(status: .duplicate, position: original, profileID: profile)
                continue
            }
            try db.appendLog(
                memory, accountID: accountID, kind: .event,
                body: EventBody.complete(event.bodyPrefix, position: position, accountID: accountID, profileID: profile, derivedFrom: 0))
            outcomes[event.index] = EventOutcome(status: .stored, position: position, profileID: profile)
            if event.metric == StandardMetric.orderedProduct { clientSentOrderedProduct = true }

            // Derived items: not once the account sends its own, nor for an order whose own arrived here.
            if !event.derived.isEmpty, !account.sendsOrderedProducts,
               !(event.orderID.map(self.clientOrderedProductOrders.contains) ?? false) {
                for item in event.derived {
                    let itemPosition = memory.nextPosition
                    let existing = try keys.claim(
                        profile: profile, metric: StandardMetric.orderedProduct, uniqueKey: item.uniqueKey, position: itemPosition)
                    guard existing == nil else { continue }
                    try db.appendLog(
                        memory, accountID: accountID, kind: .event,
                        body: EventBody.complete(
                            item.bodyPrefix, position: itemPosition, accountID: accountID, profileID: profile, derivedFrom: position))
                    derivedCount += 1
                }
            }
        }
        if clientSentOrderedProduct, !account.sendsOrderedProducts {
            account.sendsOrderedProducts = true
            account.updatedAt = now
            try db.saveAccount(account, memory: memory, isNew: false)
        }
        // Everything appended by this job (events, merges, the account) belongs to this account.
        let head: UInt64
        if memory.nextPosition > firstPosition {
            head = memory.nextPosition - 1
        } else {
            head = UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(position) FROM log WHERE account_id = ?", arguments: [account64]) ?? 0)
        }
        return TrackEventsResponse(outcomes: outcomes, derivedEvents: derivedCount, head: head)
    }
}

/// The idempotency index of one account, inside the writer's transaction.
struct EventKeyIndex {
    let db: Database
    let accountID: UInt64
    // Run for every event: driven through SQLite's C interface (see `RawStatement`).
    private let select: RawStatement
    private let insert: RawStatement
    private let mergedProfiles: RawStatement

    init(db: Database, accountID: UInt64) throws {
        self.db = db
        self.accountID = accountID
        self.select = RawStatement(try db.cachedStatement(
            sql: "SELECT position FROM event_key WHERE account_id = ? AND unique_key = ? AND metric = ? AND profile_id = ?"))
        self.insert = RawStatement(try db.cachedStatement(
            sql: "INSERT INTO event_key (account_id, unique_key, metric, profile_id, position) VALUES (?, ?, ?, ?, ?)"))
        self.mergedProfiles = RawStatement(try db.cachedStatement(
            sql: "SELECT id FROM profile WHERE merged_into = ? AND merged_into != 0 ORDER BY id"))
    }

    /// The position of the event already stored for (profile, metric, unique key), or nil after
    /// recording `position` as that event's. The profile's own event wins; failing that, the
    /// earliest one stored by a profile merged into it (its history now belongs to this one).
    /// Point lookups only: a time-derived key shared by thousands of profiles costs no more.
    func claim(profile: UInt64, metric: String, uniqueKey: String, position: UInt64) throws -> UInt64? {
        if let own = try self.stored(profile: profile, metric: metric, uniqueKey: uniqueKey) { return own }
        var merged: [UInt64] = []
        try self.mergedProfiles.run { $0.bind(1, profile) } row: { merged.append($0.uint64(0)) }
        var original: UInt64?
        for id in merged {
            if let stored = try self.stored(profile: id, metric: metric, uniqueKey: uniqueKey) {
                original = min(original ?? stored, stored)
            }
        }
        if let original { return original }
        try self.insert.run { binder in
            binder.bind(1, self.accountID)
            binder.bind(2, uniqueKey)
            binder.bind(3, metric)
            binder.bind(4, profile)
            binder.bind(5, position)
        }
        return nil
    }

    private func stored(profile: UInt64, metric: String, uniqueKey: String) throws -> UInt64? {
        var position: UInt64?
        try self.select.run { binder in
            binder.bind(1, self.accountID)
            binder.bind(2, uniqueKey)
            binder.bind(3, metric)
            binder.bind(4, profile)
        } row: { position = $0.uint64(0) }
        return position
    }
}
