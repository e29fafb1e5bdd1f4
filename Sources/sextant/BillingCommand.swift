import ArgumentParser
import Foundation
import SextantContracts
import SextantRPC
import SextantService

/// `sextant billing usage|invoice|plan`: billing-service's view of an account.
struct BillingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing", abstract: "Active-profile usage, invoices and plans.", subcommands: [Usage.self, Invoice.self])

    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Active profiles against the plan's tier, now and by month.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64

        func run() async throws {
            let admin = try self.suite.admin()
            let billing = admin.client(.billing)
            let usage = try await billing.unary(BillingService.getUsage, UsageRequest(accountID: self.account), options: SuiteAdmin.deadline)
            print(Self.describe(usage))
            let months = try await billing.unary(BillingService.getMonthlyUsage, MonthlyUsageRequest(accountID: self.account), options: SuiteAdmin.deadline)
            print("active profiles by month (\(usage.lookBackMonths)-month look-back ending with each month):")
            for month in months.months { print("  \(month.month)  \(month.activeProfiles)") }
            await admin.close()
        }

        static func describe(_ usage: UsageReport) -> String {
            var text = "account \(usage.accountID): \(usage.activeProfiles) active profiles (an event in the last \(usage.lookBackMonths) months)"
            if let tier = usage.tier {
                text += "\n  tier: up to \(tier.activeProfileLimit) active profiles, \(BillingCommand.money(tier.monthlyPriceMinor))/month"
                if let headroom = usage.headroom { text += "\n  headroom: \(headroom)" }
                if let used = usage.usedBasisPoints { text += String(format: " (%.1f%% used)", Double(used) / 100) }
                if usage.overLimit {
                    text += "\n  OVER the tier's limit; "
                        + (usage.tierNeeded.map { "needed: up to \($0.activeProfileLimit) (\(BillingCommand.money($0.monthlyPriceMinor))/month)" } ?? "above the largest tier")
                } else if usage.warning {
                    text += "\n  warning: 90% of the tier's limit reached"
                }
            } else {
                text += "\n  email plan (no Marketing Analytics tier)"
            }
            return text
        }
    }

    struct Invoice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A month's invoice.")
        @OptionGroup var suite: SuiteOptions
        @Option(help: "The account.") var account: UInt64
        @Option(help: "The month, YYYY-MM.") var month: String

        func run() async throws {
            let admin = try self.suite.admin()
            let invoice = try await admin.client(.billing).unary(
                BillingService.getInvoice, InvoiceRequest(accountID: self.account, month: self.month), options: SuiteAdmin.deadline)
            print("invoice \(invoice.month) for account \(invoice.accountID)\(invoice.final ? "" : " (month not over yet)"): \(invoice.activeProfiles) active profiles")
            for line in invoice.lines {
                print("  \(line.description): days \(line.firstDay)-\(line.lastDay) of \(line.daysInMonth)  \(BillingCommand.money(line.amountMinor))")
            }
            print("  total \(BillingCommand.money(invoice.totalMinor)) \(invoice.currency)")
            await admin.close()
        }
    }

    /// Minor units as a decimal amount with two places ("$100.00" style without the symbol).
    static func money(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100)))"
    }
}
