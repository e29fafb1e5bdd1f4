import Foundation
public import GRDB
public import SextantContracts
public import SextantLogFollower
public import SextantStore
import SextantWire

/// attribution-service's state: Customer Hub revenue (PRODUCT.md 4) built from the ingest log
/// (`LogApplier`) and queried by the handlers (`AttributionStore+Queries.swift`).
///
/// **What it reads.** `Hub Clicked Product` / `Hub Added to Cart` (property `product_id`),
/// `Hub Clicked Buy Again` (`order_id`, optional `product_ids`), and `Ordered Product` events,
/// derived by ingest from `Placed Order.items` (their `derivedFrom` names the order) or sent by
/// the client. Each `Ordered Product` is one ordered item: `order_id`, `product_id`, `quantity`
/// (default 1), `price`, `product_name`; its revenue is the event's `value` (= price × quantity
/// for derived ones), else price × quantity. `Placed Order` itself is not read (its items
/// arrive as `Ordered Product`). Account entries give the time zone and currency; merges move
/// the merged profile's interactions and items to the survivor.
///
/// **Incremental and order-independent.** When an item arrives, the profile's interactions of
/// the 24 hours before it are looked up; when an interaction arrives (possibly after the order),
/// the profile's items of the 24 hours after it are. Either way the explanation is the latest
/// qualifying interaction (`HubAttributionRule`), so any arrival order gives the same state. The
/// item's revenue is added to `daily_revenue` once, the first time it becomes attributed; a
/// better (later) interaction arriving later only changes the explanation.
///
/// **Buy again.** Its products are the `product_ids` property plus the products of the stored
/// items with the same `order_id`; items of that order arriving later extend it.
///
/// **Refunds and cancellations** do not change attributed revenue: it is counted at order time
/// (as Klaviyo's Hub "revenue generated"). `Refunded Order` / `Cancelled Order` are not read.
public final class AttributionStore: LogApplier, Sendable {
    public let database: DatabasePool
    /// Used only inside write transactions, which run one at a time.
    private let numbers = DecimalCache()

    /// Wraps an open database (migrated with ``AttributionSchema/migrations``).
    public init(database: DatabasePool) {
        self.database = database
    }

    /// Opens (creating and migrating as needed) the database at `path`.
    public convenience init(path: String, durability: Durability = .full) throws {
        // 128 MB of writer cache: every ordered item and Hub interaction lands at a random place of
        // the (profile, product, time) indexes; at 10 million events that cache keeps the apply
        // rate above 100,000 events/s (BENCHMARKS.md).
        self.init(database: try SQLiteStore.open(
            path: path, durability: durability, migrations: AttributionSchema.migrations, writerCacheMegabytes: 128))
    }

    // MARK: LogApplier

    public func appliedPosition() async throws -> UInt64 {
        try await self.database.read { try LogCursor.read($0) }
    }

    /// Applies `entries` in one write transaction with the cursor. Entries at or before the
    /// stored position are ignored (re-applying never counts anything twice).
    public func apply(_ entries: [LogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let numbers = self.numbers
        try await self.database.write { db in
            let writer = try Writer(db: db, numbers: numbers)
            let applied = try LogCursor.read(db)
            var last = applied
            for entry in entries where entry.position > applied {
                guard entry.position > last else {
                    throw AttributionError.invalid("log entry \(entry.position) follows \(last): positions must increase")
                }
                last = entry.position
                try writer.apply(entry)
            }
            if last > applied { try LogCursor.advance(db, to: last) }
        }
    }

    static let defaultTimeZone = TimeZone(identifier: "UTC")!

    static func timeZone(named name: String) -> TimeZone {
        TimeZone(identifier: name) ?? self.defaultTimeZone
    }

    /// The local day (`YYYY-MM-DD`) of `time` in `timeZone`.
    static func day(of time: Date, in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: time)
        return AttributionDay(year: parts.year!, month: parts.month!, day: parts.day!).text
    }
}

/// Minor units of the revenues seen lately (a shop's catalog repeats a few thousand prices, and
/// rounding a `Decimal` through Foundation costs more than SQLite's work for an ordered item),
/// and the text of prices and quantities. Bounded: emptied when full. Used only inside write
/// transactions (one at a time), hence unchecked.
private final class DecimalCache: @unchecked Sendable {
    struct MinorKey: Hashable { var amount: Decimal; var currency: String }
    private var minor: [MinorKey: Int64?] = [:]
    private static let limit = 20_000

    /// Plain decimal text, formatted for each value (the wire codec's fast formatter, equal to
    /// `description`): never a cached text of an equal value written another way, so a replay
    /// stores the same text.
    func text(_ value: Decimal) -> String {
        WireRawValues.decimalText(value) ?? value.description
    }

    func minorUnits(_ amount: Decimal, currency: String) -> Int64? {
        let key = MinorKey(amount: amount, currency: currency)
        if let known = self.minor[key] { return known }
        if self.minor.count >= Self.limit { self.minor.removeAll(keepingCapacity: true) }
        let value = MinorUnits.of(amount, currency: currency)
        self.minor[key] = value
        return value
    }
}

/// The effect of log entries inside one write transaction. The statements run for every item or
/// interaction are prepared once per transaction and driven through SQLite's C interface
/// (`RawStatement`); time zones and calendars are cached per transaction.
private final class Writer {
    let db: Database
    let numbers: DecimalCache
    let decoder = WireDecoder()
    var accounts: [UInt64: (timeZone: TimeZone, currency: String)] = [:]
    var calendars: [String: Calendar] = [:]
    struct ProfileKey: Hashable { var account: UInt64; var profile: UInt64 }
    /// Survivors looked up in this transaction; a merge clears it.
    var survivors: [ProfileKey: UInt64] = [:]

    let selectSurvivor: RawStatement
    let insertItem: RawStatement
    let selectBuyAgainsOfOrder: RawStatement
    let insertBuyAgain: RawStatement
    let selectProductsOfOrder: RawStatement
    let insertInteraction: RawStatement
    let selectItemsAfterInteraction: RawStatement
    let selectItem: RawStatement
    let selectInteractionsBeforeItem: RawStatement
    let attributeItem: RawStatement
    let addDailyRevenue: RawStatement

    init(db: Database, numbers: DecimalCache) throws {
        self.db = db
        self.numbers = numbers
        func prepare(_ sql: String) throws -> RawStatement { RawStatement(try db.cachedStatement(sql: sql)) }
        self.selectSurvivor = try prepare("SELECT survivor FROM profile_merges WHERE account_id = ? AND merged = ?")
        self.insertItem = try prepare("""
            INSERT OR IGNORE INTO items (position, account_id, profile_id, order_position, order_id, time, product_id,
                product_name, quantity, price, revenue_minor, currency)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        self.selectBuyAgainsOfOrder = try prepare("SELECT position, profile_id, time FROM buy_agains WHERE account_id = ? AND order_id = ?")
        self.insertBuyAgain = try prepare(
            "INSERT OR IGNORE INTO buy_agains (position, account_id, profile_id, order_id, time) VALUES (?, ?, ?, ?, ?)")
        self.selectProductsOfOrder = try prepare("SELECT DISTINCT product_id FROM items WHERE account_id = ? AND order_id = ?")
        self.insertInteraction = try prepare(
            "INSERT OR IGNORE INTO hub_interactions (position, product_id, account_id, profile_id, time, rule) VALUES (?, ?, ?, ?, ?, ?)")
        self.selectItemsAfterInteraction = try prepare(
            "SELECT position FROM items WHERE account_id = ? AND profile_id = ? AND product_id = ? AND time >= ? AND time <= ?")
        self.selectItem = try prepare("""
            SELECT account_id, profile_id, product_id, time, interaction_position, revenue_minor, currency
            FROM items WHERE position = ?
            """)
        self.selectInteractionsBeforeItem = try prepare("""
            SELECT position, time, rule FROM hub_interactions
            WHERE account_id = ? AND profile_id = ? AND product_id = ? AND time >= ? AND time <= ?
            """)
        self.attributeItem = try prepare("UPDATE items SET interaction_position = ?, interaction_time = ?, rule = ?, day = ? WHERE position = ?")
        self.addDailyRevenue = try prepare("""
            INSERT INTO daily_revenue (account_id, day, currency, revenue_minor, items) VALUES (?, ?, ?, ?, 1)
            ON CONFLICT DO UPDATE SET revenue_minor = revenue_minor + excluded.revenue_minor, items = items + 1
            """)
    }

    func row(_ sql: String, _ arguments: StatementArguments) throws -> Row? {
        try Row.fetchOne(self.db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// The local day of `time` in `timeZone`, with one calendar per zone.
    func day(of time: Date, in timeZone: TimeZone) -> String {
        let calendar: Calendar
        if let cached = self.calendars[timeZone.identifier] {
            calendar = cached
        } else {
            var created = Calendar(identifier: .gregorian)
            created.timeZone = timeZone
            self.calendars[timeZone.identifier] = created
            calendar = created
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: time)
        return AttributionDay(year: parts.year!, month: parts.month!, day: parts.day!).text
    }

    /// Every event property ``addItem(_:accountID:)`` and ``addInteraction(_:rule:accountID:)`` read.
    static let propertiesRead = PropertyNames(["product_id", "price", "quantity", "order_id", "product_name", "name", "product_ids"])

    func apply(_ entry: LogEntry) throws {
        switch entry.kind {
        case .event:
            // Most events are neither ordered products nor Hub interactions: read their metric only.
            let metric = try LoggedEvent.metric(ofBody: entry.body)
            guard metric == StandardMetric.orderedProduct || HubAttributionRule.Rule(metric: metric) != nil else { return }
            // Only the properties the rules read are decoded.
            let event = try LoggedEvent(body: entry.body, keeping: Self.propertiesRead)
            try self.apply(event, accountID: entry.accountID)
        case .merge:
            let merge = try self.decoder.decode(ProfileMerge.self, from: entry.body)
            try self.merge(merge.merged, into: merge.survivor, account: entry.accountID)
        case .account:
            let account = try self.decoder.decode(Account.self, from: entry.body)
            try self.register(account, accountID: entry.accountID)
        case .profile, .customMetric:
            break
        }
    }

    // MARK: Accounts

    func account(_ id: UInt64) throws -> (timeZone: TimeZone, currency: String) {
        if let known = self.accounts[id] { return known }
        let row = try self.row("SELECT time_zone, currency FROM accounts WHERE id = ?", [Int64(bitPattern: id)])
        let value = (AttributionStore.timeZone(named: row?[0] ?? "UTC"), (row?[1] as String?) ?? "USD")
        self.accounts[id] = value
        return value
    }

    func register(_ account: Account, accountID: UInt64) throws {
        let id = Int64(bitPattern: accountID)
        let previous = try String.fetchOne(self.db, sql: "SELECT time_zone FROM accounts WHERE id = ?", arguments: [id])
        try self.db.execute(
            sql: """
                INSERT INTO accounts (id, time_zone, currency) VALUES (?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, currency = excluded.currency
                """,
            arguments: [id, account.timeZone, account.currency])
        self.accounts[accountID] = nil
        if let previous, previous != account.timeZone {
            try self.redistributeDays(accountID: accountID, timeZone: AttributionStore.timeZone(named: account.timeZone))
        }
    }

    /// After a time-zone change: recomputes every attributed item's local day and the account's
    /// daily aggregate.
    func redistributeDays(accountID: UInt64, timeZone: TimeZone) throws {
        let id = Int64(bitPattern: accountID)
        let rows = try Row.fetchAll(self.db, sql: "SELECT position, time FROM items WHERE account_id = ? AND interaction_position IS NOT NULL", arguments: [id])
        for row in rows {
            let day = AttributionStore.day(of: Date(timeIntervalSince1970: row[1]), in: timeZone)
            try self.db.execute(sql: "UPDATE items SET day = ? WHERE position = ?", arguments: [day, row[0] as Int64])
        }
        try self.db.execute(sql: "DELETE FROM daily_revenue WHERE account_id = ?", arguments: [id])
        try self.db.execute(
            sql: """
                INSERT INTO daily_revenue (account_id, day, currency, revenue_minor, items)
                SELECT account_id, day, currency, SUM(revenue_minor), COUNT(*) FROM items
                WHERE account_id = ? AND interaction_position IS NOT NULL GROUP BY day, currency
                """,
            arguments: [id])
    }

    // MARK: Profiles

    func survivor(of profile: UInt64, account: UInt64) throws -> UInt64 {
        let key = ProfileKey(account: account, profile: profile)
        if let known = self.survivors[key] { return known }
        var found = profile
        try self.selectSurvivor.run({ $0.bind(1, account); $0.bind(2, profile) }) { row in found = row.uint64(0) }
        self.survivors[key] = found
        return found
    }

    func merge(_ mergedProfile: UInt64, into survivorProfile: UInt64, account: UInt64) throws {
        self.survivors.removeAll()
        let accountID = Int64(bitPattern: account)
        let merged = Int64(bitPattern: mergedProfile)
        let survivor = Int64(bitPattern: try self.survivor(of: survivorProfile, account: account))
        guard merged != survivor else { return }
        try self.db.execute(sql: "UPDATE profile_merges SET survivor = ? WHERE account_id = ? AND survivor = ?", arguments: [survivor, accountID, merged])
        try self.db.execute(
            sql: "INSERT INTO profile_merges (account_id, merged, survivor) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET survivor = excluded.survivor",
            arguments: [accountID, merged, survivor])
        for table in ["hub_interactions", "buy_agains", "items"] {
            try self.db.execute(sql: "UPDATE \(table) SET profile_id = ? WHERE account_id = ? AND profile_id = ?", arguments: [survivor, accountID, merged])
        }
        // Interactions of one profile may now attribute items of the other.
        let items = try Row.fetchAll(
            self.db, sql: "SELECT position FROM items WHERE account_id = ? AND profile_id = ?", arguments: [accountID, survivor])
        for row in items {
            try self.evaluate(itemPosition: row[0])
        }
    }

    // MARK: Events

    func apply(_ event: LoggedEvent, accountID: UInt64) throws {
        if event.metric == StandardMetric.orderedProduct {
            try self.addItem(event, accountID: accountID)
        } else if let rule = HubAttributionRule.Rule(metric: event.metric) {
            try self.addInteraction(event, rule: rule, accountID: accountID)
        }
    }

    func addItem(_ event: LoggedEvent, accountID: UInt64) throws {
        guard let productID = event.properties["product_id"].flatMap(EventProperties.identifierText),
              let price = event.properties["price"].flatMap(EventProperties.decimal)
        else { return }
        let quantity = event.properties["quantity"].flatMap(EventProperties.decimal) ?? 1
        let revenue = event.value ?? price * quantity
        let account = try self.account(accountID)
        guard let minor = self.numbers.minorUnits(revenue, currency: account.currency) else { return }
        let profile = try self.survivor(of: event.profileID, account: accountID)
        let orderID = event.properties["order_id"].flatMap(EventProperties.identifierText) ?? ""
        let name = (event.properties["product_name"] ?? event.properties["name"]).flatMap(EventProperties.identifierText) ?? ""
        let position = Int64(bitPattern: event.position)
        let inserted = try self.insertItem.change { row in
            row.bind(1, position)
            row.bind(2, accountID)
            row.bind(3, profile)
            row.bind(4, event.derivedFrom == 0 ? event.position : event.derivedFrom)
            row.bind(5, orderID)
            row.bind(6, event.time.timeIntervalSince1970)
            row.bind(7, productID)
            row.bind(8, name)
            row.bind(9, self.numbers.text(quantity))
            row.bind(10, self.numbers.text(price))
            row.bind(11, minor)
            row.bind(12, account.currency)
        }
        guard inserted > 0 else { return }
        // Buy-again clicks on this item's order (possibly stored before it) now cover its product.
        var clicks: [(position: Int64, profile: Int64, time: Double)] = []
        if !orderID.isEmpty {
            try self.selectBuyAgainsOfOrder.run({ $0.bind(1, accountID); $0.bind(2, orderID) }) { row in
                clicks.append((row.int64(0), row.int64(1), row.double(2)))
            }
            for click in clicks {
                try self.addInteractionProduct(
                    position: click.position, productID: productID, accountID: Int64(bitPattern: accountID), profileID: click.profile,
                    time: click.time, rule: .clickedBuyAgain)
            }
        }
        // Those clicks may have attributed the item already: then its stored row is the truth.
        let facts = clicks.isEmpty
            ? ItemFacts(
                accountID: Int64(bitPattern: accountID), profileID: Int64(bitPattern: profile), productID: productID,
                time: event.time.timeIntervalSince1970, interactionPosition: nil, revenueMinor: minor, currency: account.currency)
            : nil
        try self.evaluate(itemPosition: position, known: facts)
    }

    func addInteraction(_ event: LoggedEvent, rule: HubAttributionRule.Rule, accountID: UInt64) throws {
        let profile = Int64(bitPattern: try self.survivor(of: event.profileID, account: accountID))
        let account = Int64(bitPattern: accountID)
        let position = Int64(bitPattern: event.position)
        let time = event.time.timeIntervalSince1970
        var products: Set<String> = []
        switch rule {
        case .clickedProduct, .addedToCart:
            guard let product = event.properties["product_id"].flatMap(EventProperties.identifierText) else { return }
            products = [product]
        case .clickedBuyAgain:
            guard let orderID = event.properties["order_id"].flatMap(EventProperties.identifierText) else { return }
            try self.insertBuyAgain.run { row in
                row.bind(1, position)
                row.bind(2, account)
                row.bind(3, profile)
                row.bind(4, orderID)
                row.bind(5, time)
            }
            if case .array(let ids)? = event.properties["product_ids"] {
                products.formUnion(ids.compactMap(EventProperties.identifierText))
            }
            try self.selectProductsOfOrder.run({ $0.bind(1, account); $0.bind(2, orderID) }) { row in products.insert(row.text(0)) }
        }
        for product in products.sorted() {
            try self.addInteractionProduct(position: position, productID: product, accountID: account, profileID: profile, time: time, rule: rule)
        }
    }

    /// Stores one (interaction, product) and attributes the profile's items of that product in
    /// the 24 hours after it.
    func addInteractionProduct(position: Int64, productID: String, accountID: Int64, profileID: Int64, time: Double, rule: HubAttributionRule.Rule) throws {
        let inserted = try self.insertInteraction.change { row in
            row.bind(1, position)
            row.bind(2, productID)
            row.bind(3, accountID)
            row.bind(4, profileID)
            row.bind(5, time)
            row.bind(6, Int64(rule.rawValue))
        }
        guard inserted > 0 else { return }
        var items: [Int64] = []
        try self.selectItemsAfterInteraction.run({ row in
            row.bind(1, accountID)
            row.bind(2, profileID)
            row.bind(3, productID)
            row.bind(4, time - 1)
            row.bind(5, time + HubAttributionRule.window + 1)
        }) { row in items.append(row.int64(0)) }
        for item in items {
            try self.evaluate(itemPosition: item)
        }
    }

    // MARK: Attribution

    /// Recomputes one item's attribution from the profile's stored interactions (the rule is
    /// `HubAttributionRule.attribution`); counts its revenue the first time it is attributed.
    /// What ``evaluate(itemPosition:known:)`` needs of an item.
    struct ItemFacts {
        var accountID: Int64
        var profileID: Int64
        var productID: String
        var time: Double
        var interactionPosition: Int64?
        var revenueMinor: Int64
        var currency: String
    }

    /// `known`: the item's stored facts when the caller has them (it just inserted the item).
    func evaluate(itemPosition: Int64, known: ItemFacts? = nil) throws {
        let facts: ItemFacts
        if let known {
            facts = known
        } else {
            var stored: ItemFacts?
            try self.selectItem.run({ $0.bind(1, itemPosition) }) { row in
                stored = ItemFacts(
                    accountID: row.int64(0), profileID: row.int64(1), productID: row.text(2), time: row.double(3),
                    interactionPosition: row.isNull(4) ? nil : row.int64(4), revenueMinor: row.int64(5), currency: row.text(6))
            }
            guard let stored else { return }
            facts = stored
        }
        let accountID = facts.accountID
        let time = facts.time
        let item = HubAttributionRule.Item(position: UInt64(bitPattern: itemPosition), time: Date(timeIntervalSince1970: time), productID: facts.productID)
        // One second of slack either side of the window; the rule decides exactly.
        var candidates: [HubAttributionRule.Interaction] = []
        try self.selectInteractionsBeforeItem.run({ row in
            row.bind(1, accountID)
            row.bind(2, facts.profileID)
            row.bind(3, item.productID)
            row.bind(4, time - HubAttributionRule.window - 1)
            row.bind(5, time + 1)
        }) { row in
            guard let rule = HubAttributionRule.Rule(rawValue: UInt8(truncatingIfNeeded: row.int64(2))) else { return }
            candidates.append(HubAttributionRule.Interaction(
                position: row.uint64(0), time: Date(timeIntervalSince1970: row.double(1)), rule: rule, productIDs: [item.productID]))
        }
        guard let best = HubAttributionRule.attribution(of: item, interactions: candidates) else { return }
        let wasAttributed = facts.interactionPosition != nil
        guard facts.interactionPosition != Int64(bitPattern: best.position) else { return }
        let day = self.day(of: item.time, in: try self.account(UInt64(bitPattern: accountID)).timeZone)
        try self.attributeItem.run { row in
            row.bind(1, best.position)
            row.bind(2, best.time.timeIntervalSince1970)
            row.bind(3, Int64(best.rule.rawValue))
            row.bind(4, day)
            row.bind(5, itemPosition)
        }
        if !wasAttributed {
            try self.addDailyRevenue.run { row in
                row.bind(1, accountID)
                row.bind(2, day)
                row.bind(3, facts.currency)
                row.bind(4, facts.revenueMinor)
            }
        }
    }
}

/// Reading event properties the way ingest does (OrderedProductDerivation).
enum EventProperties {
    static func identifierText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text.isEmpty ? nil : text
        case .number(let number): number.description
        default: nil
        }
    }

    static func decimal(_ value: JSONValue) -> Decimal? {
        switch value {
        case .number(let number): number.isNaN ? nil : number
        case .string(let text):
            text.isEmpty || !text.allSatisfy({ "0123456789.-+eE".contains($0) })
                ? nil : Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        default: nil
        }
    }
}
