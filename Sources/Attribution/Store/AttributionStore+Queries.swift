import Foundation
import GRDB
public import SextantContracts

extension AttributionStore {
    /// Attributed revenue per local day of the range (from `daily_revenue`, never scanning items).
    public func revenueByDay(_ request: RevenueByDayRequest) throws -> RevenueByDayResponse {
        let days = try Self.days(first: request.firstDay, last: request.lastDay)
        return try self.database.read { db in
            let account = try Self.account(request.accountID, db: db)
            var stored: [String: [DayRevenue]] = [:]
            var totals: [String: Int64] = [account.currency: 0]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT day, currency, revenue_minor, items FROM daily_revenue
                    WHERE account_id = ? AND day >= ? AND day <= ? ORDER BY day, currency
                    """,
                arguments: [Int64(bitPattern: request.accountID), request.firstDay, request.lastDay])
            for row in rows {
                let revenue = DayRevenue(day: row[0], revenueMinorUnits: row[2], currency: row[1], items: UInt64(row[3] as Int64))
                stored[revenue.day, default: []].append(revenue)
                totals[revenue.currency, default: 0] += revenue.revenueMinorUnits
            }
            var result: [DayRevenue] = []
            result.reserveCapacity(days.count)
            for day in days {
                result += stored[day] ?? [DayRevenue(day: day, revenueMinorUnits: 0, currency: account.currency, items: 0)]
            }
            let totalRows = totals.sorted { a, b in
                a.key == account.currency ? b.key != account.currency : (b.key == account.currency ? false : a.key < b.key)
            }.map { MinorAmount(currency: $0.key, minorUnits: $0.value) }
            return RevenueByDayResponse(days: result, totals: totalRows, timeZone: account.timeZone)
        }
    }

    /// The attributed items ordered on the range's days, newest first, paged by a keyset token.
    public func attributedProducts(_ request: AttributedProductsRequest) throws -> AttributedProductsPage {
        _ = try Self.days(first: request.firstDay, last: request.lastDay)
        guard request.pageSize <= AttributionService.maximumPageSize else {
            throw AttributionError.invalid("pageSize \(request.pageSize) is over \(AttributionService.maximumPageSize)")
        }
        let size = Int(request.pageSize == 0 ? AttributionService.defaultPageSize : request.pageSize)
        var after: (time: Double, position: Int64)?
        if !request.pageToken.isEmpty {
            let parts = request.pageToken.split(separator: "-")
            guard parts.count == 2, let bits = UInt64(parts[0], radix: 16), let position = Int64(parts[1]) else {
                throw AttributionError.invalid("pageToken is not one this service gave")
            }
            after = (Double(bitPattern: bits), position)
        }
        return try self.database.read { db in
            _ = try Self.account(request.accountID, db: db)
            // Items of a local day lie within a day (and the largest UTC offsets) of that day's UTC
            // midnight: the time bounds keep the index range to the period, the day test is exact.
            let earliest = AttributionDay(request.firstDay)!.utcMidnight - 2 * 86_400
            let latest = AttributionDay(request.lastDay)!.utcMidnight + 3 * 86_400
            var sql = """
                SELECT position, order_position, order_id, time, day, profile_id, product_id, product_name, quantity, price,
                    revenue_minor, currency, rule, interaction_position, interaction_time
                FROM items INDEXED BY items_report_by_time
                WHERE account_id = ? AND interaction_position IS NOT NULL AND time >= ? AND time < ? AND day >= ? AND day <= ?
                """
            var arguments: StatementArguments = [
                Int64(bitPattern: request.accountID), earliest, latest, request.firstDay, request.lastDay,
            ]
            if let after {
                sql += " AND (time < ? OR (time = ? AND position < ?))"
                _ = arguments.append(contentsOf: [after.time, after.time, after.position])
            }
            sql += " ORDER BY time DESC, position DESC LIMIT ?"
            _ = arguments.append(contentsOf: [size + 1])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var products: [AttributedProduct] = []
            var last: (Double, Int64)?
            for row in rows.prefix(size) {
                let time: Double = row[3]
                last = (time, row[0])
                products.append(AttributedProduct(
                    itemPosition: UInt64(bitPattern: row[0]), orderPosition: UInt64(bitPattern: row[1]), orderID: row[2],
                    time: Date(timeIntervalSince1970: time), day: row[4], profileID: UInt64(bitPattern: row[5]),
                    productID: row[6], productName: row[7], quantity: Decimal(string: row[8]) ?? 0, price: Decimal(string: row[9]) ?? 0,
                    revenueMinorUnits: row[10], currency: row[11],
                    rule: HubAttributionRuleKind(rawValue: UInt8(row[12] as Int64)) ?? .clickedProduct,
                    interactionPosition: UInt64(bitPattern: row[13]), interactionTime: Date(timeIntervalSince1970: row[14])))
            }
            let token = rows.count > size ? last.map { String($0.0.bitPattern, radix: 16) + "-" + String($0.1) } ?? "" : ""
            return AttributedProductsPage(rows: products, nextPageToken: token)
        }
    }

    static func account(_ id: UInt64, db: Database) throws -> (timeZone: String, currency: String) {
        guard let row = try Row.fetchOne(db, sql: "SELECT time_zone, currency FROM accounts WHERE id = ?", arguments: [Int64(bitPattern: id)]) else {
            throw AttributionError.accountNotFound(id)
        }
        return (row[0], row[1])
    }

    /// The days of an inclusive range, validated.
    static func days(first: String, last: String) throws -> [String] {
        guard let firstDay = AttributionDay(first) else { throw AttributionError.invalid("firstDay \"\(first)\" is not a date YYYY-MM-DD") }
        guard let lastDay = AttributionDay(last) else { throw AttributionError.invalid("lastDay \"\(last)\" is not a date YYYY-MM-DD") }
        guard firstDay <= lastDay else { throw AttributionError.invalid("firstDay \(first) is after lastDay \(last)") }
        var days: [String] = []
        var day = firstDay
        while day <= lastDay {
            guard days.count < AttributionService.maximumDays else {
                throw AttributionError.invalid("the range is longer than \(AttributionService.maximumDays) days")
            }
            days.append(day.text)
            day = day.next
        }
        return days
    }
}
