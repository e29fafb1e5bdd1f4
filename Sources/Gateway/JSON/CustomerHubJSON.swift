import Foundation
import SextantContracts
import SextantWire

/// The Customer Hub dashboard and its "View report" rows in JSON (proto-spec/gateway.md §12).
///
/// Counts are integers, money is ``MoneyJSON``, days are `YYYY-MM-DD` in the account's time
/// zone, and a percent change is decimal text with one decimal place ("12.5", "-100.0"), or
/// `null` without a comparison or when the previous value is 0.
enum CustomerHubJSON {
    /// The query values of `period`, in the selector's order.
    static let presets: [(name: String, preset: PeriodPreset)] = [
        ("today", .today), ("last_7_days", .last7Days), ("last_30_days", .last30Days), ("last_90_days", .last90Days),
        ("last_365_days", .last365Days), ("this_month", .thisMonth), ("last_month", .lastMonth),
    ]
    /// The query values of `compare`.
    static let comparisons: [(name: String, mode: ComparisonMode)] = [
        ("previous_period", .previousPeriod), ("year_ago", .yearAgo), ("none", .none),
    ]
    /// Interaction types by their JSON name, in the dashboard's order.
    static let interactions: [(name: String, label: String, type: HubInteraction)] = [
        ("tracked_orders", "Tracked orders", .trackedOrder), ("started_returns", "Started returns", .startedReturn),
        ("applied_coupons", "Applied coupons", .appliedCoupon), ("help_clicks", "Help clicks", .clickedHelp),
        ("started_chats", "Started chats", .startedChat),
    ]
    static let rules: [HubAttributionRuleKind: String] = [
        .clickedProduct: "clicked_product", .addedToCart: "added_to_cart", .clickedBuyAgain: "clicked_buy_again",
    ]
    static let buckets: [SeriesBucket: String] = [.day: "day", .week: "week", .month: "month"]

    static func name(of mode: ComparisonMode) -> String {
        self.comparisons.first { $0.mode == mode }?.name ?? "none"
    }

    static func json(_ range: DateRange) -> JSONValue {
        .object(["start": .string(range.first.description), "end": .string(range.last.description)])
    }

    static func percent(_ change: Decimal?) -> JSONValue {
        guard let change else { return .null }
        var value = change
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 1, .plain)
        let text = NSDecimalNumber(decimal: rounded).description(withLocale: Locale(identifier: "en_US_POSIX"))
        return .string(text.contains(".") ? text : text + ".0")
    }

    static func count(_ tile: DashboardTile) -> JSONValue {
        .object(["value": .int(tile.value), "previous": tile.previous.map { .int($0) } ?? .null, "percent_change": self.percent(tile.percentChange)])
    }

    static func money(_ tile: DashboardTile, currency: String) -> JSONValue {
        .object([
            "value": MoneyJSON.json(minor: tile.value, currency: currency),
            "previous": tile.previous.map { MoneyJSON.json(minor: $0, currency: currency) } ?? .null,
            "percent_change": self.percent(tile.percentChange),
        ])
    }

    static func json(_ point: OrderValuePoint, currency: String) -> JSONValue {
        .object([
            "orders": .int(point.orders),
            "revenue": MoneyJSON.json(minor: point.revenueMinor, currency: currency),
            "average": point.averageMinor.map { MoneyJSON.json(minor: $0, currency: currency) } ?? .null,
        ])
    }

    static func json(_ board: CustomerHubDashboard, comparison: ComparisonMode) -> JSONValue {
        let currency = board.currency
        let series = board.interactions.map { series in
            let names = self.interactions.first { $0.type == series.interaction }
            return JSONValue.object([
                "type": .string(names?.name ?? "\(series.interaction)"),
                "label": .string(names?.label ?? series.interaction.metric),
                "metric": .string(series.interaction.metric),
                "total": self.count(series.total),
                "points": .array(series.points.map { .int($0) }),
            ])
        }
        let aov = board.averageOrderValue
        return .object([
            "account_id": .uint(board.accountID),
            "currency": .string(currency),
            "time_zone": .string(board.timeZone),
            "customer_hub_active": .bool(board.customerHubActive),
            "period": self.json(board.period),
            "compare": .string(self.name(of: comparison)),
            "comparison_period": board.comparisonPeriod.map(self.json) ?? .null,
            "bucket": .string(self.buckets[board.bucket] ?? "day"),
            "buckets": .array(board.buckets.map(self.json)),
            "overview": .object([
                "total_accounts": .int(board.totalAccounts),
                "service_interactions": self.count(board.serviceInteractions),
                "active_accounts": self.count(board.activeAccounts),
                "revenue_generated": self.money(board.revenueGeneratedMinor, currency: currency),
            ]),
            "revenue_points": .array(board.revenuePoints.map { MoneyJSON.json(minor: $0, currency: currency) }),
            "service_interactions": .array(series),
            "average_order_value": .object([
                "period": self.json(aov.period, currency: currency),
                "previous": aov.previous.map { self.json($0, currency: currency) } ?? .null,
                "percent_change": self.percent(aov.percentChange),
                "points": .array(aov.points.map { self.json($0, currency: currency) }),
            ]),
        ])
    }

    static func json(_ row: AttributedProduct) -> JSONValue {
        .object([
            "order_id": .string(row.orderID),
            "order_position": .uint(row.orderPosition),
            "item_position": .uint(row.itemPosition),
            "time": .date(row.time),
            "day": .string(row.day),
            "profile_id": .uint(row.profileID),
            "product_id": .string(row.productID),
            "product_name": .string(row.productName),
            "quantity": .number(row.quantity),
            "price": .number(row.price),
            "revenue": MoneyJSON.json(minor: row.revenueMinorUnits, currency: row.currency),
            "rule": .string(self.rules[row.rule] ?? "\(row.rule)"),
            "interaction_position": .uint(row.interactionPosition),
            "interaction_time": .date(row.interactionTime),
        ])
    }
}
