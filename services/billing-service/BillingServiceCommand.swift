import ArgumentParser
import Billing
import Foundation
import Logging
import SextantContracts
import SextantLogFollower
import SextantPostgres
import SextantService
import SextantStore

/// The billing-service executable: plans, active-profile usage counted from the ingest log,
/// invoices and entitlements (``BillingService``), from `<data-dir>/billing.sqlite` or a PostgreSQL schema.
@main
struct BillingServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing-service",
        abstract: "Plans, active-profile usage, invoices and entitlements.",
        subcommands: [Serve.self, HealthCheckCommand<BillingServiceDescription>.self],
        defaultSubcommand: Serve.self
    )
}

enum BillingServiceDescription: ServiceDescription {
    static var kind: ServiceKind { .billing }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run billing-service (the default).")

    @OptionGroup var options: ServiceOptions

    @Option(help: "A tier table file: one `<active-profile limit> <monthly price>` per line, or JSON {\"tiers\": [{\"activeProfiles\": 13500, \"monthlyPrice\": \"100.00\"}, …]} (env SEXTANT_BILLING_TIERS; default: the table in the README).")
    var tiers: String?

    @Option(help: "The email plan's monthly price, e.g. 0 or 45.00 (env SEXTANT_BILLING_EMAIL_PRICE; default 0: the add-on alone is billed).")
    var emailPrice: String?

    @Option(help: "Months of look-back that make a profile active (env SEXTANT_BILLING_LOOKBACK_MONTHS; default 12).")
    var lookBackMonths: Int?

    @Option(help: "full: fsync every commit; normal: survives a process crash only (env SEXTANT_DURABILITY; default full).")
    var durability: String?

    @Option(help: "Where the state lives: sqlite (<data-dir>/billing.sqlite) or postgres (schema billing of SEXTANT_POSTGRES_URL, or SEXTANT_POSTGRES_SCHEMA) (env SEXTANT_STORAGE; default sqlite).")
    var storage: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try self.options.settings(for: .billing)
        var prices = PriceList.defaults
        if let path = self.tiers ?? environment["SEXTANT_BILLING_TIERS"] {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the tier table \(path)") }
            do {
                let trimmed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                prices.marketingAnalyticsTiers = trimmed.hasPrefix("{")
                    ? try TierTable(json: data) : try TierTable(configurationText: String(decoding: data, as: UTF8.self))
            } catch {
                throw ValidationError("tier table \(path): \(error)")
            }
        }
        if let text = self.emailPrice ?? environment["SEXTANT_BILLING_EMAIL_PRICE"] {
            guard let price = Money(parsing: text) else { throw ValidationError("email price \"\(text)\" is not an amount like 45.00") }
            prices.emailPlanMonthlyPrice = price
        }
        let lookBack = self.lookBackMonths ?? environment["SEXTANT_BILLING_LOOKBACK_MONTHS"].flatMap(Int.init) ?? 12
        guard (1...120).contains(lookBack) else { throw ValidationError("look-back months must be 1 to 120") }
        let durabilityName = self.durability ?? environment["SEXTANT_DURABILITY"] ?? "full"
        guard let durability = Durability(rawValue: durabilityName) else {
            throw ValidationError("unknown durability \"\(durabilityName)\" (full or normal)")
        }

        let store: BillingStore
        let storage = self.storage ?? environment["SEXTANT_STORAGE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
        switch storage {
        case "sqlite":
            store = try BillingStore(path: settings.dataDirectory + "/billing.sqlite", durability: durability, prices: prices, lookBackMonths: lookBack)
        case "postgres":
            let postgres: PostgresSettings
            do { postgres = try PostgresSettings(environment: environment, defaultSchema: "billing") } catch {
                throw ValidationError("\(error)")
            }
            // PostgreSQL's own durability applies (synchronous_commit); --durability is SQLite's.
            store = try await BillingStore.open(postgres: postgres, prices: prices, lookBackMonths: lookBack, logger: settings.logger)
            settings.logger.info("state in PostgreSQL", metadata: ["database": "\(postgres)"])
        case let other:
            throw ValidationError("storage: sqlite or postgres, not \"\(other)\"")
        }
        do {
            try await LogConsumerHost(settings: settings, serviceName: BillingService.serviceName).run(applier: store) { follower in
                BillingService.router(store: store, progress: { follower.progress })
            }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
