public import Foundation
public import GRDB
import Predictive
public import SextantContracts
public import SextantRPC
public import SextantLogFollower
public import SextantStore
import SextantWire
import Synchronization

/// predictive-service's state: the orders of every account, kept from the ingest log
/// (`LogApplier`), and each eligible account's fitted model, kept in memory.
///
/// **What is stored.** Only what the CLV models read: the events of the account's conversion
/// metric (`Placed Order`, or a custom metric: ``CLVSettings``) as orders (their `order_id` — the
/// event's position when they have none — and value), `Cancelled Order` and `Refunded Order`
/// (`order_id`; a refund's `value` is the amount refunded, none: all of it), per profile, in log
/// order; merges move a profile's orders to the survivor; every custom metric definition.
/// Cancelled, refunded and zero-value orders are left out of every figure (the model library's
/// `CustomerSummaryAccumulator`). A new conversion metric re-reads the account's log
/// (``rebuildPending(read:now:)``).
///
/// **The model is derived state.** ``fit(accountID:now:)`` reads the account's orders, checks
/// eligibility, runs the holdout check for both purchase models, fits the chosen one and
/// Gamma-Gamma, and keeps the scorer and the model card in memory (a million customers fit in
/// about half a second, BENCHMARKS.md): the service fits every account when it starts and again
/// daily. A profile's predictions are computed when asked, from its orders as stored at that
/// moment and the current model, so an order shows in them as soon as it is applied.
///
/// **Days** are calendar days at the account's UTC offset at fit time (a DST change moves the
/// boundary by an hour for part of the year).
public final class PredictiveStore: LogApplier, Sendable {
    public let database: DatabasePool
    /// The time budget of one whole fit (the holdout checks of both purchase models, the purchase
    /// fit and the spend fit share it), below the gateway's 120 s deadline for a fit.
    public let fitTimeBudget: Duration
    let models = Mutex<[UInt64: FittedModel]>([:])
    /// Each account's status as of its last check (a check replays all of its orders).
    let statuses = Mutex<[UInt64: PredictiveStatus]>([:])
    /// Accounts whose conversion metric is a custom metric, with its definition. Changed only
    /// inside a write transaction, and read inside one by ``apply(_:)``.
    let customConversions: Mutex<[UInt64: CustomMetric]>
    /// Counts each account's settings changes that invalidate a model (conversion metric, horizon):
    /// a fit that started before such a change does not keep its result.
    let epochs = Mutex<[UInt64: UInt64]>([:])
    /// Wakes ``runRebuilds(read:now:onError:)`` when a conversion metric changes.
    let rebuildWakes = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    struct FittedModel: Sendable {
        var scorer: ProfileScorer
        var card: ModelCard
    }

    /// Wraps an open database (migrated with ``PredictiveSchema/migrations``).
    /// Runs before every fit and fails it by throwing: tests use it to see a failed fit reported.
    let beforeFit: @Sendable (UInt64) throws -> Void

    public convenience init(database: DatabasePool, fitTimeBudget: Duration = .seconds(60)) throws {
        try self.init(database: database, fitTimeBudget: fitTimeBudget, beforeFit: { _ in })
    }

    init(database: DatabasePool, fitTimeBudget: Duration, beforeFit: @escaping @Sendable (UInt64) throws -> Void) throws {
        self.database = database
        self.fitTimeBudget = fitTimeBudget
        self.beforeFit = beforeFit
        self.customConversions = Mutex(try database.read { try Self.loadCustomConversions($0) })
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public convenience init(path: String, durability: Durability = .full) throws {
        try self.init(database: try SQLiteStore.open(path: path, durability: durability, migrations: PredictiveSchema.migrations))
    }

    // MARK: LogApplier

    public func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    /// Applies `entries` in one write transaction with the cursor; entries at or before the
    /// cursor are ignored.
    public func apply(_ entries: [LogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await self.database.write { db in
            let applied = try LogCursor.read(db)
            var last = applied
            let decoder = WireDecoder()
            let conversions = self.customConversions.withLock { $0 }
            for entry in entries where entry.position > applied {
                guard entry.position > last else {
                    throw PredictiveError.badEntry("log entry \(entry.position) follows \(last): positions must increase")
                }
                last = entry.position
                switch entry.kind {
                case .event:
                    try Self.storeIfOrder(entry, conversion: conversions[entry.accountID], decoder: decoder, db: db)
                case .account:
                    let account = try decoder.decode(Account.self, from: entry.body)
                    try db.execute(
                        sql: """
                            INSERT INTO accounts (id, time_zone, currency) VALUES (?, ?, ?)
                            ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, currency = excluded.currency
                            """,
                        arguments: [Int64(bitPattern: entry.accountID), account.timeZone, account.currency])
                case .merge:
                    let merge = try decoder.decode(ProfileMerge.self, from: entry.body)
                    try Self.merge(merge.merged, into: merge.survivor, account: entry.accountID, db: db)
                case .customMetric:
                    let metric = try decoder.decode(CustomMetric.self, from: entry.body)
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO custom_metrics (account_id, id, definition) VALUES (?, ?, ?)",
                        arguments: [Int64(bitPattern: entry.accountID), Int64(bitPattern: metric.id), Data(entry.body)])
                case .profile:
                    break
                }
            }
            if last > applied { try LogCursor.advance(db, to: last) }
        }
    }

    /// Stores the event in `entry` if it is an order of the account's conversion metric (the
    /// custom metric `conversion`, or `Placed Order` when nil), a cancellation or a refund.
    /// Other events are not decoded.
    static func storeIfOrder(_ entry: LogEntry, conversion: CustomMetric?, decoder: WireDecoder, db: Database) throws {
        let metric = try LoggedEvent.metric(ofBody: entry.body)
        if let kind = OrderRowKind(undoing: metric) {
            let event = try decoder.decode(LoggedEvent.self, from: entry.body)
            try Self.store(event, kind: kind, value: event.value, db: db)
        } else if let conversion {
            guard conversion.sourceMetrics.contains(metric) else { return }
            let event = try decoder.decode(LoggedEvent.self, from: entry.body)
            guard conversion.matches(event) else { return }
            try Self.store(event, kind: .placed, value: conversion.measure(event), db: db)
        } else if metric == StandardMetric.placedOrder {
            let event = try decoder.decode(LoggedEvent.self, from: entry.body)
            try Self.store(event, kind: .placed, value: event.value, db: db)
        }
    }

    static func store(_ event: LoggedEvent, kind: OrderRowKind, value: Decimal?, db: Database) throws {
        let account = Int64(bitPattern: event.accountID)
        let profile = try Self.survivor(of: Int64(bitPattern: event.profileID), account: account, db: db)
        let orderID: String
        switch event.properties["order_id"] {
        case .string(let text)? where !text.isEmpty: orderID = text
        case .number(let number)?: orderID = number.description
        default:
            // An order without an id is its own order; a cancellation or refund without one
            // cannot name what it undoes.
            guard kind == .placed else { return }
            orderID = "#\(event.position)"
        }
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO orders (account_id, position, profile_id, order_id, kind, time, value) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                account, Int64(bitPattern: event.position), profile, orderID, kind.rawValue, event.time.timeIntervalSince1970,
                value.map { DecimalText.format($0) },
            ])
    }

    static func survivor(of profile: Int64, account: Int64, db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT survivor FROM profile_merges WHERE account_id = ? AND merged = ?"), arguments: [account, profile]
        ) ?? profile
    }

    static func merge(_ merged: UInt64, into survivor: UInt64, account: UInt64, db: Database) throws {
        let a = Int64(bitPattern: account)
        let to = try Self.survivor(of: Int64(bitPattern: survivor), account: a, db: db)
        let from = Int64(bitPattern: merged)
        guard from != to else { return }
        try db.execute(sql: "UPDATE profile_merges SET survivor = ? WHERE account_id = ? AND survivor = ?", arguments: [to, a, from])
        try db.execute(
            sql: "INSERT OR REPLACE INTO profile_merges (account_id, merged, survivor) VALUES (?, ?, ?)", arguments: [a, from, to])
        try db.execute(sql: "UPDATE orders SET profile_id = ? WHERE account_id = ? AND profile_id = ?", arguments: [to, a, from])
    }

    // MARK: Reading

    struct AccountRow {
        var timeZone: String
        var currency: String
        /// The zone's offset now, in seconds: the models' calendar days.
        var utcOffsetSeconds: Int
    }

    func account(_ accountID: UInt64, now: Date, db: Database) throws -> AccountRow {
        guard let row = try Row.fetchOne(db, sql: "SELECT time_zone, currency FROM accounts WHERE id = ?", arguments: [Int64(bitPattern: accountID)])
        else { throw PredictiveError.accountNotFound(accountID) }
        let zone = TimeZone(identifier: row[0]) ?? TimeZone(identifier: "UTC")!
        return AccountRow(timeZone: row[0], currency: row[1], utcOffsetSeconds: zone.secondsFromGMT(for: now))
    }

    /// Replays order rows (in log order) into an accumulator. Cancellations and refunds apply to
    /// the profile that placed the order.
    static func accumulate(_ rows: RowCursor, utcOffsetSeconds: Int) throws -> CustomerSummaryAccumulator {
        var accumulator = CustomerSummaryAccumulator(utcOffsetSeconds: utcOffsetSeconds)
        var owners: [String: String] = [:]
        while let row = try rows.next() {
            let profile = String(row[0] as Int64)
            let orderID: String = row[1]
            let value = (row[4] as String?).map(DecimalText.parse)
            switch OrderRowKind(rawValue: row[2]) {
            case .placed?:
                let time: Double = row[3]
                if accumulator.add(OrderEvent(orderID: orderID, customerID: profile, date: Date(timeIntervalSince1970: time), value: value ?? 0)) {
                    owners[orderID] = profile
                }
            case .cancelled?:
                accumulator.cancel(orderID: orderID, customerID: owners[orderID] ?? profile)
            case .refunded?:
                accumulator.refund(orderID: orderID, customerID: owners[orderID] ?? profile, amount: value)
            case nil:
                continue
            }
        }
        return accumulator
    }

    static let orderColumns = "SELECT profile_id, order_id, kind, time, value FROM orders"

    // MARK: Status and fitting

    /// The account's eligibility and model card. An account with a model (or whose last fit
    /// failed) answers from its last fit (at start, daily, or ``fit(accountID:now:)``); any other
    /// is checked now, and fitted at once if it has become eligible (say, once the log has been
    /// read up to date after a start).
    public func status(accountID: UInt64, now: Date) async throws -> PredictiveStatus {
        // Known with a model, or eligible with a fit that failed (it is retried at the next round
        // or by `fit`, not on every read).
        if let known = self.statuses.withLock({ $0[accountID] }), known.model != nil || known.eligible { return known }
        let epoch = self.epoch(accountID)
        let check = try await self.eligibility(accountID: accountID, now: now)
        if check.status.eligible { return try await self.fit(accountID: accountID, now: now) }
        // Re-reading a conversion metric's orders moves on: not kept.
        if check.status.rebuilding == nil { self.keep(accountID, epoch: epoch) { _, statuses in statuses[accountID] = check.status } }
        return check.status
    }

    /// What an eligibility check read: the status, and what a fit needs.
    struct EligibilityCheck {
        var status: PredictiveStatus
        var accumulator: CustomerSummaryAccumulator
        var account: AccountRow
        var settings: CLVSettings
        var today: Int
    }

    func eligibility(accountID: UInt64, now: Date) async throws -> EligibilityCheck {
        let (accumulator, account, settings, rebuild, failure) = try await self.database.read { db in
            let account = try self.account(accountID, now: now, db: db)
            let (settings, rebuild) = try self.settings(accountID, db: db)
            let failure = try Row.fetchOne(db, sql: "SELECT at, reason FROM fit_failures WHERE account_id = ?", arguments: [Int64(bitPattern: accountID)])
                .map { FitFailure(at: Date(timeIntervalSince1970: $0[0]), reason: $0[1]) }
            let rows = try Row.fetchCursor(
                db, sql: Self.orderColumns + " WHERE account_id = ? ORDER BY position", arguments: [Int64(bitPattern: accountID)])
            return (try Self.accumulate(rows, utcOffsetSeconds: account.utcOffsetSeconds), account, settings, rebuild, failure)
        }
        let today = DayNumber.of(now, utcOffsetSeconds: account.utcOffsetSeconds)
        let facts = Eligibility.Facts(accumulator, today: today)
        var missing: [String]
        switch Eligibility.check(facts) {
        case .eligible: missing = []
        case .ineligible(let requirements): missing = requirements.map(\.description)
        }
        if let rebuild {
            // Orders of the new conversion metric are still arriving: no judgement on a part of them.
            missing = [
                "the orders of the conversion metric \"\(settings.conversionMetricName)\" are being read from the log (entry \(rebuild.readThrough) of \(rebuild.target))"
            ]
        }
        var status = PredictiveStatus(
            accountID: accountID, eligible: missing.isEmpty, missing: missing, customersWithOrders: UInt64(facts.customersWithOrders),
            firstOrderDay: facts.firstOrderDay.map(Self.dayText), lastOrderDay: facts.lastOrderDay.map(Self.dayText),
            model: self.models.withLock { $0[accountID]?.card }, currency: account.currency)
        status.settings = settings
        status.lastFitFailure = failure
        status.rebuilding = rebuild
        return EligibilityCheck(status: status, accumulator: accumulator, account: account, settings: settings, today: today)
    }

    /// Fits the account's model now, if it is eligible (an account that is no longer eligible
    /// loses its model: no invented numbers), and answers the status with the new card. A fit
    /// that fails keeps the previous model and is recorded (``PredictiveStatus/lastFitFailure``).
    public func fit(accountID: UInt64, now: Date) async throws -> PredictiveStatus {
        let epoch = self.epoch(accountID)
        let check = try await self.eligibility(accountID: accountID, now: now)
        var status = check.status
        guard status.eligible else {
            self.keep(accountID, epoch: epoch) { models, statuses in
                models[accountID] = nil
                if status.rebuilding == nil { statuses[accountID] = status }
            }
            status.model = nil
            return status
        }
        let fitted: FittedModel
        do {
            try self.beforeFit(accountID)
            fitted = try Self.fitModel(
                check.accumulator, today: check.today, account: check.account, settings: check.settings, now: now, budget: self.fitTimeBudget)
        } catch {
            let failure = FitFailure(at: now, reason: "\(error)")
            try await self.database.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO fit_failures (account_id, at, reason) VALUES (?, ?, ?)",
                    arguments: [Int64(bitPattern: accountID), now.timeIntervalSince1970, failure.reason])
            }
            status.model = self.models.withLock { $0[accountID]?.card }
            status.lastFitFailure = failure
            self.keep(accountID, epoch: epoch) { _, statuses in statuses[accountID] = status }
            throw error
        }
        if status.lastFitFailure != nil {
            try await self.database.write { db in
                try db.execute(sql: "DELETE FROM fit_failures WHERE account_id = ?", arguments: [Int64(bitPattern: accountID)])
            }
            status.lastFitFailure = nil
        }
        status.model = fitted.card
        let current = self.keep(accountID, epoch: epoch) { models, statuses in
            models[accountID] = fitted
            statuses[accountID] = status
        }
        // Settings changed during the fit: its model is not kept; the status as it is now.
        return current ? status : try await self.status(accountID: accountID, now: now)
    }

    func epoch(_ accountID: UInt64) -> UInt64 { self.epochs.withLock { $0[accountID] ?? 0 } }

    /// A new epoch: models and statuses computed before are not kept, and those kept are dropped.
    func bumpEpoch(_ accountID: UInt64) {
        self.epochs.withLock { $0[accountID, default: 0] += 1 }
        self.models.withLock { $0[accountID] = nil }
        self.statuses.withLock { $0[accountID] = nil }
    }

    /// Runs `update` on the kept models and statuses if the account's epoch is still `epoch`.
    @discardableResult
    func keep(
        _ accountID: UInt64, epoch: UInt64, _ update: (inout [UInt64: FittedModel], inout [UInt64: PredictiveStatus]) -> Void
    ) -> Bool {
        self.epochs.withLock { epochs in
            guard (epochs[accountID] ?? 0) == epoch else { return false }
            self.models.withLock { models in self.statuses.withLock { statuses in update(&models, &statuses) } }
            return true
        }
    }

    /// Fits every account the store knows for which `include` says yes (at start and daily; the
    /// service skips accounts whose plan lacks Marketing Analytics). An account whose fit fails
    /// keeps its previous model and does not stop the others; its error is in `failures`.
    public func fitAll(
        now: Date, include: @Sendable (UInt64) async -> Bool = { _ in true }
    ) async throws -> (fitted: Int, failures: [UInt64: String]) {
        let accounts = try await self.database.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM accounts ORDER BY id") }
        var fitted = 0
        var failures: [UInt64: String] = [:]
        for id in accounts {
            let account = UInt64(bitPattern: id)
            guard await include(account) else { continue }
            do {
                if try await self.fit(accountID: account, now: now).model != nil { fitted += 1 }
            } catch {
                failures[account] = "\(error)"
            }
        }
        return (fitted, failures)
    }

    static func fitModel(
        _ accumulator: CustomerSummaryAccumulator, today: Int, account: AccountRow, settings: CLVSettings, now: Date, budget: Duration
    ) throws -> FittedModel {
        let horizonDays = Int(settings.horizonDays)
        let conversionMetric = settings.conversionMetricName
        // One budget for the whole fit (four optimisations), so a fit asked for through the
        // gateway ends within its deadline: each optimisation gets what is left.
        let clock = ContinuousClock()
        let end = clock.now + budget
        var optimizer: OptimizerSettings { OptimizerSettings(timeBudget: max(.milliseconds(100), end - clock.now)) }
        // In profile order: the same orders always give the same fit (a dictionary's order varies
        // from one process to the next).
        let records = accumulator.records.values.sorted { (Int64($0.customerID) ?? 0, $0.customerID) < (Int64($1.customerID) ?? 0, $1.customerID) }
        let firstDay = records.compactMap(\.firstDay).min() ?? today
        let lastDay = records.compactMap(\.lastDay).max() ?? today
        // Holdout: the last fifth of the history, between 30 and 90 days.
        let holdoutDays = min(90, max(30, (today - firstDay) / 5))
        let cutoff = today - holdoutDays
        let bgnbd = HoldoutCheck.run(records: records, cutoffDay: cutoff, endDay: today, kind: .bgnbd, settings: optimizer)
        let modified = HoldoutCheck.run(records: records, cutoffDay: cutoff, endDay: today, kind: .modifiedBGNBD, settings: optimizer)
        let choice = PurchaseModelChoice.choose(bgnbd: bgnbd, modified: modified, unit: "days")
        let chosenReport = choice.kind == .bgnbd ? bgnbd : modified

        let summaries = records.compactMap { $0.summary(asOfDay: today) }
        let purchaseFit = BGNBDModel.fit(summaries, kind: choice.kind, settings: optimizer)
        let spendData = GammaGammaModel.SpendData(summaries)
        let spendFit = GammaGammaModel.fit(spendData, settings: optimizer)
        let exponent = MinorUnits.exponent(of: account.currency)
        guard let scorer = ProfileScorer(
            purchaseFit: purchaseFit, kind: choice.kind, spendFit: spendFit,
            settings: ProfileScorer.Settings(horizonDays: Double(horizonDays), currencyMinorUnits: exponent))
        else { throw PredictiveError.fitFailed(purchaseFit.status.description) }

        var parameters: [ModelParameter] = []
        if let values = purchaseFit.parameters?.values {
            for (index, name) in ["r", "alpha", "a", "b"].enumerated() {
                parameters.append(ModelParameter(name: name, value: values[index], standardError: purchaseFit.standardErrors?[safe: index]))
            }
        }
        if let spend = spendFit.parameters {
            for (index, (name, value)) in [("p", spend.p), ("q", spend.q), ("gamma", spend.gamma)].enumerated() {
                parameters.append(ModelParameter(name: name, value: value, standardError: spendFit.standardErrors?[safe: index]))
            }
        }
        // Example profiles: candidates by profile id, so the card is stable between fits.
        let candidates = records
            .compactMap { record -> ExampleCandidate? in
                guard let last = record.lastDay else { return nil }
                return ExampleCandidate(profileID: record.customerID, orders: record.orderCount, daysSinceLastOrder: today - last)
            }
            .sorted { (Int64($0.profileID) ?? 0) < (Int64($1.profileID) ?? 0) }
        let examples = ExampleProfiles.select(from: candidates)
            .sorted { $0.key.rawValue < $1.key.rawValue }
            .map { ExampleProfile(rule: UInt8($0.key.rawValue), description: $0.key.description, profileID: UInt64($0.value) ?? 0) }

        let card = ModelCard(
            fittedAt: now, historyFirstDay: Self.dayText(firstDay), historyLastDay: Self.dayText(lastDay), horizonDays: UInt32(horizonDays),
            purchaseModel: choice.kind == .bgnbd ? "bgnbd" : "modified-bgnbd", choiceReason: choice.reason,
            fitStatus: purchaseFit.status.description, logLikelihood: purchaseFit.logLikelihood, spendFitStatus: spendFit.status.description,
            parameters: parameters, customers: UInt64(summaries.count), repeatCustomers: UInt64(spendData.customers),
            holdoutDays: UInt32(holdoutDays), holdoutMeanAbsoluteError: chosenReport.meanAbsoluteError,
            holdoutPredictedTotal: chosenReport.predictedTotal, holdoutActualTotal: Int64(chosenReport.actualTotal), examples: examples)
        // The distribution: every customer scored with the new model.
        var fittedCard = card
        fittedCard.conversionMetric = conversionMetric
        let inputs = records.compactMap { ProfileInput(record: $0, asOfDay: today, currencyMinorUnits: exponent) }
        let predictions = scorer.scoreAll(inputs, asOf: now)
        var unit: Int64 = 1
        for _ in 0..<exponent { unit *= 10 }
        let edges = Self.clvBucketEdges.map { $0 * unit }
        var counts = [UInt64](repeating: 0, count: edges.count)
        var bands: [UInt64] = [0, 0, 0]
        for prediction in predictions {
            let minor = MinorUnits.saturating(prediction.predictedCLV.value, currency: account.currency)
            counts[max(0, (edges.lastIndex { $0 <= minor }) ?? 0)] += 1
            switch prediction.churnBand {
            case .low: bands[0] += 1
            case .medium: bands[1] += 1
            case .high: bands[2] += 1
            }
        }
        fittedCard.clvBuckets = edges.indices.map { index in
            CLVBucket(fromMinor: edges[index], toMinor: index + 1 < edges.count ? edges[index + 1] : nil, customers: counts[index])
        }
        fittedCard.churnBands = bands
        return FittedModel(scorer: scorer, card: fittedCard)
    }

    /// Lower bounds of the predicted-CLV buckets, in whole currency units.
    static let clvBucketEdges: [Int64] = [0, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000]

    // MARK: One profile

    /// One profile's historic figures and, with a model, its predictions as of `now`.
    public func profile(_ request: ProfileCLVRequest, now: Date) async throws -> ProfileCLV {
        let accountID = Int64(bitPattern: request.accountID)
        let (account, profile, accumulator, settings) = try await self.database.read { db in
            let account = try self.account(request.accountID, now: now, db: db)
            let (settings, _) = try self.settings(request.accountID, db: db)
            let profile = try Self.survivor(of: Int64(bitPattern: request.profileID), account: accountID, db: db)
            let rows = try Row.fetchCursor(
                db, sql: Self.orderColumns + " WHERE account_id = ? AND profile_id = ? ORDER BY position", arguments: [accountID, profile])
            return (account, profile, try Self.accumulate(rows, utcOffsetSeconds: account.utcOffsetSeconds), settings)
        }
        let record = accumulator.record(for: String(profile))
        let model = self.models.withLock { $0[request.accountID] }
        var answer = ProfileCLV(
            accountID: request.accountID, profileID: UInt64(bitPattern: profile), currency: account.currency,
            historicOrders: UInt64(record?.orderCount ?? 0),
            historicCLVMinor: MinorUnits.saturating(record?.netValue ?? 0, currency: account.currency),
            firstOrderDay: record?.firstDay.map(Self.dayText), lastOrderDay: record?.lastDay.map(Self.dayText),
            predicted: false, horizonDays: model?.card.horizonDays ?? settings.horizonDays)
        let today = DayNumber.of(now, utcOffsetSeconds: account.utcOffsetSeconds)
        guard let model, let record,
            let input = ProfileInput(record: record, asOfDay: today, currencyMinorUnits: MinorUnits.exponent(of: account.currency))
        else { return answer }
        let prediction = model.scorer.score(input, asOf: now)
        func money(_ estimate: MoneyEstimate) -> RangedMoney {
            RangedMoney(
                minor: MinorUnits.saturating(estimate.value, currency: account.currency),
                lowMinor: estimate.range.map { MinorUnits.saturating($0.lowerBound, currency: account.currency) },
                highMinor: estimate.range.map { MinorUnits.saturating($0.upperBound, currency: account.currency) })
        }
        func ranged(_ estimate: Estimate) -> RangedValue {
            RangedValue(value: estimate.value, low: estimate.range?.lowerBound, high: estimate.range?.upperBound)
        }
        answer.predicted = true
        answer.predictedCLV = money(prediction.predictedCLV)
        answer.totalCLV = money(prediction.totalCLV)
        answer.predictedOrders = ranged(prediction.predictedOrders)
        answer.averageOrderValue = money(prediction.averageOrderValue)
        answer.averageDaysBetweenOrders = prediction.averageDaysBetweenOrders
        answer.expectedNextOrder = prediction.expectedNextOrder?.value
        answer.expectedNextOrderLow = prediction.expectedNextOrder?.range?.lowerBound
        answer.expectedNextOrderHigh = prediction.expectedNextOrder?.range?.upperBound
        answer.probabilityAlive = ranged(prediction.probabilityAlive)
        answer.churnProbability = ranged(prediction.churnProbability)
        answer.churnBand = prediction.churnBand.rawValue
        return answer
    }

    /// Day number → `YYYY-MM-DD`.
    static func dayText(_ day: Int) -> String {
        let date = DayNumber.date(ofDay: day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// The order events predictive-service keeps.
enum OrderRowKind: Int64 {
    case placed = 1
    case cancelled = 2
    case refunded = 3

    /// The kind of an event that undoes an order; nil for any other metric.
    init?(undoing metric: String) {
        switch metric {
        case Self.cancelledOrder: self = .cancelled
        case Self.refundedOrder: self = .refunded
        default: return nil
        }
    }

    static let cancelledOrder = "Cancelled Order"
    static let refundedOrder = "Refunded Order"
}

/// Why a predictive request failed.
public enum PredictiveError: Error, Sendable, Hashable, RPCErrorConvertible, CustomStringConvertible {
    case accountNotFound(UInt64)
    case badEntry(String)
    case fitFailed(String)
    case customMetricNotFound(account: UInt64, id: UInt64)
    case invalidSetting(String)
    /// The account's plan does not include Marketing Analytics.
    case planRequired(UInt64)
    /// Re-reading an account's log for a new conversion metric did not finish (retried).
    case rebuildFailed(String)

    public var description: String {
        switch self {
        case .accountNotFound(let id): "account \(id) does not exist"
        case .badEntry(let message): message
        case .fitFailed(let status): "the model could not be fitted: \(status)"
        case .customMetricNotFound(let account, let id):
            "conversionMetric: account \(account) has no custom metric \(id) (or predictive-service has not read it from the log yet)"
        case .invalidSetting(let message): message
        case .planRequired(let account): "predicted CLV needs Marketing Analytics, which the plan of account \(account) does not include"
        case .rebuildFailed(let message): "re-reading the log for a new conversion metric failed: \(message)"
        }
    }

    public var rpcError: RPCError {
        switch self {
        case .accountNotFound: RPCError(code: .notFound, message: self.description)
        case .badEntry: RPCError(code: .internalError, message: self.description)
        case .fitFailed: RPCError(code: .failedPrecondition, message: self.description)
        case .invalidSetting, .customMetricNotFound: RPCError(code: .invalidArgument, message: self.description)
        case .planRequired: RPCError(code: .permissionDenied, message: self.description)
        case .rebuildFailed: RPCError(code: .unavailable, message: self.description)
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { self.indices.contains(index) ? self[index] : nil }
}
