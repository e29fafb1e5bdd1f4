import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantService

/// `sextant clv status|fit|profile|settings`: predicted CLV from predictive-service, as text.
struct CLVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clv", abstract: "Predicted customer lifetime value.", subcommands: [Status.self, Fit.self, Profile.self, Settings.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Eligibility and the model card.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64

        func run() async throws {
            let admin = try self.suite.admin()
            let status = try await admin.client(.predictive).unary(PredictiveService.status, AccountRef(accountID: self.account), options: SuiteAdmin.deadline)
            await admin.close()
            CLVCommand.print(status)
        }
    }

    struct Fit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fit the account's model now and print the model card.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64

        func run() async throws {
            let admin = try self.suite.admin()
            // A fit of a million customers takes seconds, not the default deadline's fraction.
            let status = try await admin.client(.predictive).unary(
                PredictiveService.fit, AccountRef(accountID: self.account), options: CallOptions(timeout: .seconds(300)))
            await admin.close()
            CLVCommand.print(status)
        }
    }

    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or change the conversion metric and the horizon.",
            discussion: "A new conversion metric makes predictive-service read the account's log again, then refit; a new horizon refits at once.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64
        @Option(help: "placed-order, or the id of a custom metric that measures revenue.") var conversionMetric: String?
        @Option(help: "Days the predictions cover, 30 to 1095.") var horizonDays: UInt32?

        func run() async throws {
            var request = UpdateCLVSettingsRequest(accountID: self.account, horizonDays: self.horizonDays)
            switch self.conversionMetric {
            case nil: break
            case "placed-order"?: request.conversionMetric = .placedOrder
            case let text?:
                guard let id = UInt64(text), id > 0 else {
                    throw ValidationError("--conversion-metric: placed-order or a custom metric's id, not \"\(text)\"")
                }
                request.conversionMetric = .custom(id: id)
            }
            let admin = try self.suite.admin()
            let client = admin.client(.predictive)
            let settings: CLVSettings
            do {
                settings = request.conversionMetric == nil && request.horizonDays == nil
                    ? try await client.unary(PredictiveService.settings, AccountRef(accountID: self.account), options: SuiteAdmin.deadline)
                    : try await client.unary(PredictiveService.updateSettings, request, options: CallOptions(timeout: .seconds(300)))
            } catch {
                await admin.close()
                throw error
            }
            await admin.close()
            Swift.print("CLV settings, account \(settings.accountID): conversion metric \(settings.conversionMetricName)"
                + (settings.conversionMetricID.map { " (custom metric \($0))" } ?? "") + ", horizon \(settings.horizonDays) days")
        }
    }

    struct Profile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One profile's historic and predicted CLV.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64
        @Option(help: "The profile id.") var profile: UInt64

        func run() async throws {
            let admin = try self.suite.admin()
            let clv = try await admin.client(.predictive).unary(
                PredictiveService.profile, ProfileCLVRequest(accountID: self.account, profileID: self.profile), options: SuiteAdmin.deadline)
            await admin.close()
            func money(_ minor: Int64) -> String { MinorUnits.text(minor, currency: clv.currency) + " " + clv.currency }
            func money(_ value: RangedMoney?) -> String {
                guard let value else { return "none" }
                let range = zip2(value.lowMinor, value.highMinor).map { " (90% range \(MinorUnits.text($0.0, currency: clv.currency)) to \(MinorUnits.text($0.1, currency: clv.currency)))" } ?? ""
                return money(value.minor) + range
            }
            func number(_ value: RangedValue?, percent: Bool = false) -> String {
                guard let value else { return "none" }
                let scale = percent ? 100.0 : 1.0
                let unit = percent ? "%" : ""
                let range = zip2(value.low, value.high).map { String(format: " (90%% range %.2f%@ to %.2f%@)", $0.0 * scale, unit, $0.1 * scale, unit) } ?? ""
                return String(format: "%.2f%@", value.value * scale, unit) + range
            }
            Swift.print("Profile \(clv.profileID) of account \(clv.accountID)")
            Swift.print("  historic orders        \(clv.historicOrders)" + (clv.firstOrderDay.map { ", \($0) to \(clv.lastOrderDay ?? $0)" } ?? ""))
            Swift.print("  historic CLV           \(money(clv.historicCLVMinor))")
            guard clv.predicted else {
                Swift.print("  no predictions: the account has no model (sextant clv status says why)")
                return
            }
            Swift.print("  predicted CLV, \(clv.horizonDays) days  \(money(clv.predictedCLV))")
            Swift.print("  total CLV              \(money(clv.totalCLV))")
            Swift.print("  predicted orders       \(number(clv.predictedOrders))")
            Swift.print("  average order value    \(money(clv.averageOrderValue))")
            Swift.print("  days between orders    \(clv.averageDaysBetweenOrders.map { String(format: "%.1f", $0) } ?? "none (one order)")")
            Swift.print("  expected next order    \(clv.expectedNextOrder.map { RFC3339Day.text($0) } ?? "none (more likely never)")")
            Swift.print("  churn probability      \(number(clv.churnProbability, percent: true)), \(clv.churnBand ?? "?")")
        }
    }

    static func print(_ status: PredictiveStatus) {
        Swift.print("Predicted CLV, account \(status.accountID): \(status.eligible ? "eligible" : "not eligible"), \(status.customersWithOrders) customers with orders"
            + (status.firstOrderDay.map { ", orders \($0) to \(status.lastOrderDay ?? $0)" } ?? ""))
        for missing in status.missing { Swift.print("  missing: \(missing)") }
        if let settings = status.settings {
            Swift.print("  conversion metric \(settings.conversionMetricName), horizon \(settings.horizonDays) days")
        }
        if let failure = status.lastFitFailure {
            Swift.print("  the last fit failed (\(RFC3339Day.text(failure.at))): \(failure.reason)")
        }
        guard let card = status.model else {
            Swift.print(status.eligible ? "  no model yet: sextant clv fit fits one now" : "  no model")
            return
        }
        Swift.print("  model \(card.purchaseModel) + gamma-gamma, fitted \(RFC3339Day.text(card.fittedAt)) on \(card.customers) customers (\(card.repeatCustomers) repeat)")
        Swift.print("  history \(card.historyFirstDay) to \(card.historyLastDay); predictions for \(card.horizonDays) days")
        Swift.print("  fit: \(card.fitStatus); spend fit: \(card.spendFitStatus)" + (card.logLikelihood.map { String(format: "; log-likelihood %.1f", $0) } ?? ""))
        for parameter in card.parameters {
            Swift.print("    \(parameter.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \(String(format: "%.6g", parameter.value))"
                + (parameter.standardError.map { String(format: " ± %.3g", $0) } ?? ""))
        }
        Swift.print("  holdout \(card.holdoutDays) days: " + (card.holdoutMeanAbsoluteError.map { String(format: "mean absolute error %.4f per customer", $0) } ?? "no error")
            + (card.holdoutPredictedTotal.map { String(format: ", predicted %.0f vs actual %d repeat purchases", $0, card.holdoutActualTotal) } ?? ""))
        Swift.print("  model choice: \(card.choiceReason)")
        for example in card.examples { Swift.print("  example \(example.rule): profile \(example.profileID) (\(example.description))") }
    }
}

private func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// A time as its UTC day.
enum RFC3339Day {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }
}
