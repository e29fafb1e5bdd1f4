import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantService

/// `sextant hub dashboard`: insights-service's Customer Hub dashboard for an account, as text.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub", abstract: "The Customer Hub dashboard.", subcommands: [Dashboard.self])

    struct Dashboard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Overview tiles, service interactions and AOV for a period.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64
        @Option(help: "today, last-7-days, last-30-days, last-90-days, last-365-days, this-month or last-month.") var period = "last-30-days"
        @Option(help: "previous, year-ago or none.") var compare = "previous"

        static let presets: [String: PeriodPreset] = [
            "today": .today, "last-7-days": .last7Days, "last-30-days": .last30Days, "last-90-days": .last90Days,
            "last-365-days": .last365Days, "this-month": .thisMonth, "last-month": .lastMonth,
        ]
        static let comparisons: [String: ComparisonMode] = ["previous": .previousPeriod, "year-ago": .yearAgo, "none": .none]

        func run() async throws {
            guard let preset = Self.presets[self.period] else {
                throw ValidationError("unknown period \"\(self.period)\": \(Self.presets.keys.sorted().joined(separator: ", "))")
            }
            guard let comparison = Self.comparisons[self.compare] else { throw ValidationError("unknown comparison \"\(self.compare)\": previous, year-ago or none") }
            let admin = try self.suite.admin()
            let board = try await admin.client(.insights).unary(
                InsightsService.customerHubDashboard, CustomerHubDashboardRequest(accountID: self.account, preset: preset, comparison: comparison),
                options: SuiteAdmin.deadline)
            await admin.close()
            print("Customer Hub, account \(board.accountID): \(board.period.first) to \(board.period.last) (\(board.timeZone))"
                + (board.comparisonPeriod.map { ", compared with \($0.first) to \($0.last)" } ?? ""))
            if !board.customerHubActive { print("  (the Customer Hub is inactive: no new events are collected)") }
            print("  total accounts        \(board.totalAccounts)")
            print("  service interactions  \(Self.tile(board.serviceInteractions))")
            print("  active accounts       \(Self.tile(board.activeAccounts))")
            print("  revenue generated     \(Self.tile(board.revenueGeneratedMinor, money: true)) \(board.currency)")
            for series in board.interactions {
                print("    \(series.interaction.metric.padding(toLength: 20, withPad: " ", startingAt: 0)) \(Self.tile(series.total))")
            }
            let aov = board.averageOrderValue
            print("  AOV (logged-in orders) \(aov.period.averageMinor.map { BillingCommand.money($0) } ?? "none") over \(aov.period.orders) orders"
                + (aov.percentChange.map { " (\(Self.signed($0))%)" } ?? ""))
        }

        static func tile(_ tile: DashboardTile, money: Bool = false) -> String {
            let value = money ? BillingCommand.money(tile.value) : "\(tile.value)"
            guard let previous = tile.previous else { return value }
            let before = money ? BillingCommand.money(previous) : "\(previous)"
            return "\(value)  (before: \(before)" + (tile.percentChange.map { ", \(Self.signed($0))%)" } ?? ")")
        }

        static func signed(_ value: Decimal) -> String { value > 0 ? "+\(value)" : "\(value)" }
    }
}
