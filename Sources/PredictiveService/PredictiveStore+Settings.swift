public import Foundation
import GRDB
public import SextantContracts
import SextantStore
import SextantWire
import Synchronization

// An account's CLV settings (conversion metric, horizon) and the re-reading of its log that a
// new conversion metric needs.

extension PredictiveStore {
    /// Reads the log of one account from just after a position: calls `handle` with each batch of
    /// the account's entries in order, up to the log's head at the time of the call, and stops
    /// early when `handle` answers false. Answers the account's log head once it has read (so a
    /// read that ended early can be told from a complete one). predictive-service reads with
    /// ingest's `Subscribe` (`accountID` set, `follow` false), then `LogHead`.
    public typealias LogReader = @Sendable (
        _ accountID: UInt64, _ after: UInt64, _ handle: @escaping @Sendable ([LogEntry]) async throws -> Bool
    ) async throws -> UInt64

    static let placedOrderName = StandardMetric.placedOrder

    // MARK: Reading settings

    /// The account's settings and, when a new conversion metric's orders are still being read,
    /// how far that has come.
    func settings(_ accountID: UInt64, db: Database) throws -> (CLVSettings, RebuildProgress?) {
        let account = Int64(bitPattern: accountID)
        guard let row = try Row.fetchOne(
            db, sql: "SELECT conversion_metric_id, horizon_days, rebuild_target, rebuild_read FROM clv_settings WHERE account_id = ?",
            arguments: [account])
        else {
            return (CLVSettings(accountID: accountID, conversionMetricID: nil, conversionMetricName: Self.placedOrderName, horizonDays: CLVSettings.defaultHorizonDays), nil)
        }
        let metricID = (row[0] as Int64?).map { UInt64(bitPattern: $0) }
        var name = Self.placedOrderName
        if let metricID, let metric = try Self.customMetric(metricID, account: accountID, db: db) { name = metric.name }
        let settings = CLVSettings(accountID: accountID, conversionMetricID: metricID, conversionMetricName: name, horizonDays: UInt32(row[1] as Int64))
        let rebuild = (row[2] as Int64?).map { RebuildProgress(readThrough: UInt64(row[3] as Int64), target: UInt64($0)) }
        return (settings, rebuild)
    }

    /// The account's settings, as the `Settings` method answers them.
    public func settings(accountID: UInt64) async throws -> CLVSettings {
        try await self.database.read { db in
            _ = try self.account(accountID, now: Date(), db: db)
            return try self.settings(accountID, db: db).0
        }
    }

    static func customMetric(_ id: UInt64, account: UInt64, db: Database) throws -> CustomMetric? {
        guard let body = try Data.fetchOne(
            db, sql: "SELECT definition FROM custom_metrics WHERE account_id = ? AND id = ?",
            arguments: [Int64(bitPattern: account), Int64(bitPattern: id)])
        else { return nil }
        return try WireDecoder().decode(CustomMetric.self, from: [UInt8](body))
    }

    /// Every account whose conversion metric is a custom metric, with its definition.
    static func loadCustomConversions(_ db: Database) throws -> [UInt64: CustomMetric] {
        var conversions: [UInt64: CustomMetric] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT account_id, conversion_metric_id FROM clv_settings WHERE conversion_metric_id IS NOT NULL")
        for row in rows {
            let account = UInt64(bitPattern: row[0])
            if let metric = try Self.customMetric(UInt64(bitPattern: row[1]), account: account, db: db) { conversions[account] = metric }
        }
        return conversions
    }

    // MARK: Changing settings

    /// Changes the account's settings. A new horizon refits at once (when the account has a
    /// model); a new conversion metric drops the account's orders and model, and the account's
    /// log is read again up to the position applied now (``rebuildPending(read:now:)``, woken
    /// here) — until then the status says so. Entries after that position are applied with the
    /// new metric as they arrive.
    ///
    /// A custom conversion metric must measure revenue (aggregation `value`) and may not be built
    /// on `Cancelled Order` or `Refunded Order`, which undo orders.
    public func updateSettings(_ request: UpdateCLVSettingsRequest, now: Date) async throws -> CLVSettings {
        if let horizon = request.horizonDays, !(CLVSettings.minimumHorizonDays...CLVSettings.maximumHorizonDays).contains(horizon) {
            throw PredictiveError.invalidSetting(
                "horizonDays: between \(CLVSettings.minimumHorizonDays) and \(CLVSettings.maximumHorizonDays) days, not \(horizon)")
        }
        let accountID = request.accountID
        let hadModel = self.models.withLock { $0[accountID] != nil }
        let (updated, conversionChanged, horizonChanged) = try await self.database.write { db in
            _ = try self.account(accountID, now: now, db: db)
            let (current, rebuild) = try self.settings(accountID, db: db)
            var conversionID = current.conversionMetricID
            var conversion: CustomMetric?
            switch request.conversionMetric {
            case nil: break
            case .placedOrder?: conversionID = nil
            case .custom(let id)?:
                guard let metric = try Self.customMetric(id, account: accountID, db: db) else { throw PredictiveError.customMetricNotFound(account: accountID, id: id) }
                try Self.checkConversion(metric)
                conversionID = id
                conversion = metric
            }
            let conversionChanged = conversionID != current.conversionMetricID
            let horizon = request.horizonDays ?? current.horizonDays
            let a = Int64(bitPattern: accountID)
            var target = rebuild.map { Int64($0.target) }
            if conversionChanged {
                // The orders of the old metric go; the new one's are read again up to what has
                // been applied (0: nothing applied yet, nothing to read).
                try db.execute(sql: "DELETE FROM orders WHERE account_id = ? AND kind = ?", arguments: [a, OrderRowKind.placed.rawValue])
                let applied = Int64(bitPattern: try LogCursor.read(db))
                target = applied > 0 ? applied : nil
                // In memory only once the change is committed; on the writer, so the next
                // `apply` already sees it.
                let committed = conversion
                db.afterNextTransaction(onCommit: { _ in
                    self.customConversions.withLock { $0[accountID] = committed }
                    self.bumpEpoch(accountID)
                })
            } else if request.horizonDays.map({ $0 != current.horizonDays }) ?? false {
                db.afterNextTransaction(onCommit: { _ in self.bumpEpoch(accountID) })
            }
            try db.execute(
                sql: """
                    INSERT INTO clv_settings (account_id, conversion_metric_id, horizon_days, rebuild_target, rebuild_read) VALUES (?, ?, ?, ?, 0)
                    ON CONFLICT (account_id) DO UPDATE SET
                        conversion_metric_id = excluded.conversion_metric_id, horizon_days = excluded.horizon_days,
                        rebuild_target = CASE WHEN ? THEN excluded.rebuild_target ELSE rebuild_target END,
                        rebuild_read = CASE WHEN ? THEN 0 ELSE rebuild_read END,
                        rebuild_generation = rebuild_generation + ?
                    """,
                arguments: [
                    a, conversionID.map { Int64(bitPattern: $0) }, Int64(horizon), target, conversionChanged, conversionChanged,
                    conversionChanged ? 1 : 0,
                ])
            return (try self.settings(accountID, db: db).0, conversionChanged, horizon != current.horizonDays)
        }
        // The commit dropped the account's model and status (a new epoch, `bumpEpoch`).
        if conversionChanged {
            self.rebuildWakes.continuation.yield()
        } else if horizonChanged, hadModel {
            _ = try await self.fit(accountID: accountID, now: now)
        }
        return updated
    }

    static func checkConversion(_ metric: CustomMetric) throws {
        guard case .value = metric.aggregation, !metric.sources.contains(where: { $0.metric == StandardMetric.orderedProduct }) else {
            if metric.sources.contains(where: { $0.metric == StandardMetric.orderedProduct }) {
                throw PredictiveError.invalidSetting(
                    "conversionMetric: custom metric \(metric.id) \"\(metric.name)\" is built on \"Ordered Product\", one event per order line; use the orders (Placed Order) instead")
            }
            throw PredictiveError.invalidSetting(
                "conversionMetric: custom metric \(metric.id) \"\(metric.name)\" counts events; a CLV conversion metric must measure revenue (aggregation value)")
        }
        if let undoing = metric.sources.first(where: { OrderRowKind(undoing: $0.metric) != nil }) {
            throw PredictiveError.invalidSetting(
                "conversionMetric: custom metric \(metric.id) \"\(metric.name)\" is built on \"\(undoing.metric)\", which undoes orders")
        }
    }

    // MARK: Re-reading the log

    /// Reads the log again for every account whose conversion metric changed and whose orders are
    /// not all read yet (one at a time; progress is kept, so a restart goes on where it stopped),
    /// then fits each one. Answers the accounts finished.
    @discardableResult
    public func rebuildPending(read: LogReader, now: @Sendable () -> Date) async throws -> [UInt64] {
        let pending = try await self.database.read { db in
            try Int64.fetchAll(db, sql: "SELECT account_id FROM clv_settings WHERE rebuild_target IS NOT NULL ORDER BY account_id")
        }
        var finished: [UInt64] = []
        var failures: [String] = []
        // One account's failure does not hold up the others; the failures are thrown together
        // at the end, so the caller tries again.
        for id in pending {
            let account = UInt64(bitPattern: id)
            do {
                guard try await self.rebuild(account, read: read) else { continue }
            } catch {
                failures.append("account \(account): \(error)")
                continue
            }
            finished.append(account)
            self.statuses.withLock { $0[account] = nil }
            // A failed fit is recorded on the status; the orders are complete either way.
            _ = try? await self.fit(accountID: account, now: now())
        }
        if !failures.isEmpty { throw PredictiveError.rebuildFailed(failures.joined(separator: "; ")) }
        return finished
    }

    /// Re-reads one account's log up to its rebuild target. False when the conversion metric
    /// changed again meanwhile (the newer change is read next, from the start).
    private func rebuild(_ accountID: UInt64, read: LogReader) async throws -> Bool {
        let a = Int64(bitPattern: accountID)
        guard let (target, start, generation) = try await self.database.read({ db -> (Int64, Int64, Int64)? in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT rebuild_target, rebuild_read, rebuild_generation FROM clv_settings WHERE account_id = ?", arguments: [a]),
                let target = row[0] as Int64?
            else { return nil }
            return (target, row[1], row[2])
        }) else { return false }

        let superseded = Mutex(false)
        let readThrough = Mutex(UInt64(start))
        let head = try await read(accountID, UInt64(start)) { entries in
            let relevant = entries.filter { $0.position <= UInt64(target) }
            let more = (entries.last?.position ?? 0) < UInt64(target)
            guard let last = relevant.last else { return more }
            let current = try await self.database.write { db -> Bool in
                guard try Int64.fetchOne(db, sql: "SELECT rebuild_generation FROM clv_settings WHERE account_id = ?", arguments: [a]) == generation else {
                    return false
                }
                let conversion = self.customConversions.withLock { $0[accountID] }
                let decoder = WireDecoder()
                for entry in relevant where entry.kind == .event {
                    // Only orders: cancellations and refunds were kept all along.
                    guard OrderRowKind(undoing: try LoggedEvent.metric(ofBody: entry.body)) == nil else { continue }
                    try Self.storeIfOrder(entry, conversion: conversion, decoder: decoder, db: db)
                }
                try db.execute(sql: "UPDATE clv_settings SET rebuild_read = ? WHERE account_id = ?", arguments: [Int64(last.position), a])
                return true
            }
            if current { readThrough.withLock { $0 = last.position } } else { superseded.withLock { $0 = true } }
            return current && more
        }
        if superseded.withLock({ $0 }) { return false }
        // A read that stopped before the target or the account's head (the stream ended early)
        // is not complete: it goes on from where it stopped next time.
        let reached = readThrough.withLock { $0 }
        guard reached >= min(UInt64(target), head) else {
            throw PredictiveError.rebuildFailed("the log of account \(accountID) was read to \(reached), short of \(min(UInt64(target), head))")
        }
        // Everything up to the target has been read (the account's last entry may come before it).
        return try await self.database.write { db in
            try db.execute(
                sql: "UPDATE clv_settings SET rebuild_target = NULL, rebuild_read = ? WHERE account_id = ? AND rebuild_generation = ?",
                arguments: [target, a, generation])
            return db.changesCount > 0
        }
    }

    /// Runs for the life of the service: re-reads what ``rebuildPending(read:now:)`` finds at
    /// start and whenever a conversion metric changes; after a failure (ingest unreachable) it
    /// tries again in `retry`.
    public func runRebuilds(
        read: @escaping LogReader, now: @escaping @Sendable () -> Date = { Date() }, retry: Duration = .seconds(5),
        onError: @Sendable (any Error) -> Void = { _ in }
    ) async {
        var wakes = self.rebuildWakes.stream.makeAsyncIterator()
        while !Task.isCancelled {
            do {
                try await self.rebuildPending(read: read, now: now)
            } catch {
                onError(error)
                try? await Task.sleep(for: retry)
                continue
            }
            guard await wakes.next() != nil else { return }
        }
    }
}
