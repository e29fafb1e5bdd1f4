/// Whether an account has enough order data for predictive CLV (PRODUCT.md 6, Klaviyo's rules),
/// and if not, exactly what is missing, so the card can say so instead of inventing numbers.
public enum Eligibility {
    /// The thresholds. Defaults are PRODUCT.md 6's.
    public struct Requirements: Sendable, Hashable {
        /// At least this many customers with (counted) orders.
        public var minimumCustomers: Int = 500
        /// At least this many days from the first order to today.
        public var minimumHistoryDays: Int = 180
        /// The last order at most this many days before today (`today − last order day ≤ 30`).
        public var recentOrderWindowDays: Int = 30
        /// Orders needed for a customer to count as a repeat buyer ("customers with 3 or more orders").
        public var repeatOrders: Int = 3
        /// How many such customers make "some".
        public var minimumRepeatCustomers: Int = 1

        public init() {}
    }

    /// The facts about an account that the rules look at (all days are day numbers).
    public struct Facts: Sendable, Hashable {
        public var customersWithOrders: Int
        public var firstOrderDay: Int?
        public var lastOrderDay: Int?
        /// Customers with at least `Requirements.repeatOrders` orders.
        public var customersWithRepeatOrders: Int
        public var today: Int

        public init(customersWithOrders: Int, firstOrderDay: Int?, lastOrderDay: Int?, customersWithRepeatOrders: Int, today: Int) {
            self.customersWithOrders = customersWithOrders
            self.firstOrderDay = firstOrderDay
            self.lastOrderDay = lastOrderDay
            self.customersWithRepeatOrders = customersWithRepeatOrders
            self.today = today
        }

        /// The facts of an accumulator's customers (counted orders only, net of refunds).
        public init(_ accumulator: CustomerSummaryAccumulator, today: Int, requirements: Requirements = Requirements()) {
            var first: Int?, last: Int?, repeatCustomers = 0
            for record in accumulator.records.values {
                if let day = record.firstDay { first = min(first ?? day, day) }
                if let day = record.lastDay { last = max(last ?? day, day) }
                if record.orderCount >= requirements.repeatOrders { repeatCustomers += 1 }
            }
            self.init(customersWithOrders: accumulator.records.count, firstOrderDay: first, lastOrderDay: last, customersWithRepeatOrders: repeatCustomers, today: today)
        }
    }

    /// One unmet requirement, with what the account has and what it needs.
    public enum MissingRequirement: Sendable, Hashable, CustomStringConvertible {
        case customers(have: Int, need: Int)
        case history(days: Int, need: Int)
        case recentOrders(daysSinceLastOrder: Int?, window: Int)
        case repeatCustomers(have: Int, need: Int, orders: Int)

        public var description: String {
            switch self {
            case .customers(let have, let need): "\(have) customers with orders; at least \(need) are needed"
            case .history(let days, let need): "\(days) days of order history; at least \(need) are needed"
            case .recentOrders(let since, let window):
                since.map { "the last order was \($0) days ago; an order in the last \(window) days is needed" } ?? "no orders; an order in the last \(window) days is needed"
            case .repeatCustomers(let have, let need, let orders): "\(have) customers with \(orders) or more orders; at least \(need) needed"
            }
        }
    }

    public enum Status: Sendable, Hashable {
        case eligible
        case ineligible([MissingRequirement])

        public var isEligible: Bool { self == .eligible }
    }

    /// Checks every requirement and names each one that is not met.
    ///
    /// History is `today − first order day` (an account whose first order was 180 days ago has
    /// 180 days of history). "Orders in the last 30 days" means `today − last order day ≤ 30`.
    public static func check(_ facts: Facts, requirements: Requirements = Requirements()) -> Status {
        var missing: [MissingRequirement] = []
        if facts.customersWithOrders < requirements.minimumCustomers {
            missing.append(.customers(have: facts.customersWithOrders, need: requirements.minimumCustomers))
        }
        let historyDays = facts.firstOrderDay.map { facts.today - $0 } ?? 0
        if historyDays < requirements.minimumHistoryDays {
            missing.append(.history(days: historyDays, need: requirements.minimumHistoryDays))
        }
        let sinceLast = facts.lastOrderDay.map { facts.today - $0 }
        if sinceLast.map({ $0 > requirements.recentOrderWindowDays }) ?? true {
            missing.append(.recentOrders(daysSinceLastOrder: sinceLast, window: requirements.recentOrderWindowDays))
        }
        if facts.customersWithRepeatOrders < requirements.minimumRepeatCustomers {
            missing.append(.repeatCustomers(have: facts.customersWithRepeatOrders, need: requirements.minimumRepeatCustomers, orders: requirements.repeatOrders))
        }
        return missing.isEmpty ? .eligible : .ineligible(missing)
    }
}
