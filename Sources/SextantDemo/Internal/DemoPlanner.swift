import Foundation

/// Simulates the demo shop's customers, one profile at a time, into compact records.
///
/// The customer model, in short (every number is a constant below):
/// - Profiles arrive over the history, more of them later (a growing shop).
/// - 30% never buy; 42% buy once; 28% are repeat buyers with their own purchase rate (Gamma
///   distributed, mean about 5 orders a year) and a chance to churn after each order (BG/NBD-like);
///   8% of repeat buyers are monthly subscribers. Each buyer has a spend level (Gamma, mean 1) that
///   sets basket sizes and quantities.
/// - Email campaigns twice a month, SMS monthly, push every two months, to part of the consenting
///   audience; flows: welcome series, abandoned checkout (email, SMS), post-purchase, win-back.
///   Clicks sometimes lead to an order within two days.
/// - The Customer Hub launched 12 months before the end; about a third of buyers create an account
///   and open it now and then: service interactions, product clicks, add to cart and buy again,
///   which are sometimes followed within 24 hours by an order containing that product.
/// - About 2% of orders are cancelled and 5% refunded (some partially).
struct DemoPlanner {
    static let day: Int64 = 86_400
    static let hour: Int64 = 3_600
    /// America/New_York without daylight saving time; only used to put activity in the daytime.
    static let zoneOffset: Int64 = -5 * 3_600
    /// Relative activity per local hour.
    static let hourWeights: [Double] = [
        1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3.5, 4.5, 5, 5.5, 6, 5.5, 5, 4.5, 4.5, 5, 6, 7, 7, 6, 4, 2,
    ]

    let seed: UInt64
    let span: Int64
    /// The start's Unix time modulo one day, to find local days.
    let startPhase: Int64
    let catalog: [DemoProduct]
    let messages: [DemoMessage]
    let messageSendTimes: [Int64?]
    let flows: DemoFlows
    private let cumulativeHours: [Double]
    private let cumulativePopularity: [Double]
    private let groupCount: Int

    var records: [DemoRecord] = []
    var orders: [DemoOrder] = []
    var people: [DemoPerson] = []

    init(seed: UInt64, span: Int64, startPhase: Int64, catalog: [DemoProduct], messages: [DemoMessage], messageSendTimes: [Int64?], flows: DemoFlows) {
        self.seed = seed
        self.span = span
        self.startPhase = startPhase
        self.catalog = catalog
        self.messages = messages
        self.messageSendTimes = messageSendTimes
        self.flows = flows
        var total = 0.0
        self.cumulativeHours = Self.hourWeights.map { total += $0; return total }
        // Zipf-like popularity over a seeded permutation of the catalog.
        var random = DemoRandom(seed: seed, stream: 0x9091)
        var ranks = Array(0..<catalog.count)
        for i in stride(from: ranks.count - 1, to: 0, by: -1) { ranks.swapAt(i, random.below(i + 1)) }
        var weights = [Double](repeating: 0, count: catalog.count)
        for (rank, product) in ranks.enumerated() { weights[product] = 1 / pow(Double(rank + 1), 0.8) }
        total = 0
        self.cumulativePopularity = weights.map { total += $0; return total }
        self.groupCount = catalog.count / DemoCatalog.groupSize
    }

    // MARK: Profiles

    private static let firstNames = [
        "ada", "ben", "chloe", "dev", "elena", "farid", "grace", "hugo", "ines", "jon", "kemi", "liam", "maya", "nils",
        "olga", "pablo", "quinn", "rosa", "sam", "tara", "umar", "vera", "wei", "xena", "yusuf", "zoe",
    ]
    private static let lastNames = [
        "adams", "baker", "chen", "diaz", "evans", "fischer", "garcia", "hall", "ito", "jones", "kim", "lopez",
        "muller", "nguyen", "okafor", "patel", "quist", "rossi", "silva", "tanaka", "ueda", "varga", "weber", "young",
    ]

    /// Plans everything profile `index` does.
    mutating func simulate(profile index: Int) {
        var random = DemoRandom(seed: self.seed, stream: 0x1_0000_0000 + UInt64(index))
        var sim = ProfileState(index: Int32(index))
        let first = Self.firstNames[random.below(Self.firstNames.count)]
        let last = Self.lastNames[random.below(Self.lastNames.count)]
        let hasPhone = random.chance(0.35)
        let kindDraw = random.unit()
        let buyer = kindDraw >= 0.30
        let repeatBuyer = kindDraw >= 0.72
        self.people.append(
            DemoPerson(
                email: "\(first).\(last)\(index + 1)@example.com",
                phone: hasPhone ? "+1555" + Self.padded(index, 7) : nil,
                externalID: buyer && random.chance(0.6) ? "C\(100_000 + index)" : nil))

        let signup = min(Int64(Double(self.span) * random.unit().squareRoot()), self.span - Self.hour)
        let emailConsent = random.chance(0.8)
        let smsConsent = hasPhone && random.chance(0.75)
        let pushUser = random.chance(0.12)
        let openRate = 0.05 + 0.6 * random.unit()
        let spend = random.gamma(shape: 3, scale: 1.0 / 3)
        let favoriteGroup = self.popularProduct(&random) / DemoCatalog.groupSize
        sim.favoriteGroup = favoriteGroup
        sim.spend = spend

        // Arrival: a visit, and the newsletter sign-up with its welcome series.
        self.add(&sim, signup, .activeOnSite)
        if emailConsent {
            self.add(&sim, signup + 30, .subscribedToList)
            for (step, delay) in [Int64(600), 2 * Self.day, 5 * Self.day].enumerated() {
                self.message(&sim, &random, self.flows.welcome[step], at: signup + delay, openRate: openRate)
            }
        }

        // Natural orders: the first soon after arrival, then a repeat process with churn.
        var orderTimes: [Int64] = []
        var subscription = false
        if buyer {
            var t = signup + Int64(random.exponential(mean: 3 * Double(Self.day)))
            orderTimes.append(t)
            if repeatBuyer {
                subscription = random.chance(0.08)
                let rate = random.gamma(shape: 1.5, scale: 5.0 / 1.5) / 365  // orders per day
                let churn = subscription ? 0.04 : 0.05 + 0.3 * random.unit()
                while !random.chance(churn) {
                    let gap = subscription ? 30 * Self.day + random.between(-2 * Self.day...2 * Self.day)
                        : Int64(random.exponential(mean: Double(Self.day) / rate)) + Self.day
                    t += gap
                    if t > self.span { break }
                    orderTimes.append(t)
                }
            }
        }
        sim.plannedOrders = orderTimes.filter { $0 <= self.span }.map {
            PlannedOrder(time: self.daytime($0, &random), source: Self.source(&random), subscription: subscription)
        }
        sim.plannedOrders.removeAll { $0.time > self.span || $0.time < 0 }

        // Campaigns: received, opened, clicked; a click sometimes leads to an order.
        for (messageIndex, sendTime) in self.messageSendTimes.enumerated() {
            guard let sendTime, sendTime >= signup else { continue }
            let channel = self.messages[messageIndex].channel
            let eligible: Bool
            switch channel {
            case .email: eligible = emailConsent && random.chance(0.18)
            case .sms: eligible = smsConsent && random.chance(0.6)
            case .push: eligible = pushUser && random.chance(0.9)
            }
            guard eligible else { continue }
            let delivered = sendTime + random.between(0...900)
            if let click = self.message(&sim, &random, messageIndex, at: delivered, openRate: openRate),
                buyer, random.chance(0.15)
            {
                let time = click + random.between(20 * 60...36 * Self.hour)
                if time <= self.span { sim.plannedOrders.append(PlannedOrder(time: time, source: .web, subscription: false)) }
            }
        }

        // Browsing without buying, with abandoned checkouts.
        let sessions = random.poisson(mean: buyer ? 0.6 : 1.3)
        for _ in 0..<sessions {
            let start = signup + Int64(random.unit() * Double(self.span - signup))
            self.browse(&sim, &random, at: self.daytime(start, &random), openRate: openRate, smsConsent: smsConsent)
        }

        sim.plannedOrders.sort { $0.time < $1.time }
        // The Customer Hub account, decided before the orders so that later ones can be signed in.
        let hubLaunch = max(0, self.span - 365 * Self.day)
        if buyer, let firstOrder = sim.plannedOrders.first, random.chance(0.35) {
            let created = max(firstOrder.time, hubLaunch) + Int64(random.exponential(mean: 15 * Double(Self.day)))
            if created <= self.span { sim.hubCreated = created }
        }
        for planned in sim.plannedOrders { self.placeOrder(&sim, &random, planned, hubDriven: nil) }
        if let created = sim.hubCreated { self.hub(&sim, &random, createdAt: created) }

        // Order follow-ups (after the hub, which may have added orders).
        var lastOrder: Int64 = -1
        for orderIndex in sim.orderIndices {
            self.followUp(&sim, &random, order: orderIndex, openRate: openRate)
            lastOrder = max(lastOrder, self.orders[orderIndex].time)
        }
        if lastOrder >= 0, emailConsent {
            self.message(&sim, &random, self.flows.winBack, at: lastOrder + 120 * Self.day, openRate: openRate)
        }
    }

    // MARK: Sessions and orders

    private mutating func browse(_ sim: inout ProfileState, _ random: inout DemoRandom, at start: Int64, openRate: Double, smsConsent: Bool) {
        self.add(&sim, start, .activeOnSite)
        var t = start
        let views = 1 + random.below(3)
        var product = 0
        for _ in 0..<views {
            t += random.between(20...240)
            product = self.productFor(&sim, &random, at: t)
            self.add(&sim, t, .viewedProduct, ref: product)
        }
        guard random.chance(0.3) else { return }
        t += random.between(30...300)
        self.add(&sim, t, .addedToCart, ref: product)
        guard random.chance(0.45) else { return }
        t += random.between(60...600)
        self.add(&sim, t, .startedCheckoutCart, ref: product)
        self.message(&sim, &random, self.flows.abandonedEmail, at: t + Self.hour, openRate: openRate)
        if smsConsent { self.message(&sim, &random, self.flows.abandonedSMS, at: t + 4 * Self.hour, openRate: openRate) }
    }

    /// Records the order and its checkout session; returns its index.
    @discardableResult
    private mutating func placeOrder(
        _ sim: inout ProfileState, _ random: inout DemoRandom, _ planned: PlannedOrder, hubDriven: [Int16]?
    ) -> Int {
        var items: [(product: Int16, quantity: Int8)] = []
        func put(_ product: Int, _ quantity: Int8) {
            if let i = items.firstIndex(where: { Int($0.product) == product }) { items[i].quantity += quantity }
            else { items.append((Int16(product), quantity)) }
        }
        for product in hubDriven ?? [] { put(Int(product), 1) }
        let count = (hubDriven == nil ? 1 : 0) + min(5, random.poisson(mean: 0.55 * sim.spend))
        var anchor = hubDriven?.first.map(Int.init) ?? -1
        for _ in 0..<count {
            let draw = random.unit()
            let product: Int
            if anchor >= 0, draw < 0.5 {
                product = self.productIn(group: self.catalog[anchor].coPurchaseGroup, &random, at: planned.time)
            } else if anchor >= 0, draw < 0.75 {
                let partner = DemoCatalog.partnerGroup(of: self.catalog[anchor].coPurchaseGroup, groups: self.groupCount)
                product = self.productIn(group: partner, &random, at: planned.time)
            } else {
                product = self.productFor(&sim, &random, at: planned.time)
            }
            if anchor < 0 { anchor = product }
            let q = random.unit()
            put(product, q < 0.85 - 0.1 * min(sim.spend, 3) ? 1 : q < 0.97 ? 2 : 3)
        }
        sim.orderCount += 1
        let hubAccount = sim.hubCreated.map { $0 <= planned.time } ?? false
        let order = DemoOrder(
            profile: sim.index, number: sim.orderCount, time: planned.time, items: items, source: planned.source,
            loggedIn: hubAccount && (hubDriven != nil || random.chance(0.4)), subscription: planned.subscription,
            hubDriven: hubDriven != nil)
        let index = self.orders.count
        self.orders.append(order)
        sim.orderIndices.append(index)
        if planned.source != .pos {
            var t = planned.time - random.between(8 * 60...40 * 60)
            self.add(&sim, t, .activeOnSite)
            for item in items where random.chance(0.6) {
                t += random.between(20...120)
                self.add(&sim, t, .viewedProduct, ref: Int(item.product))
            }
            for item in items {
                t += random.between(10...90)
                self.add(&sim, t, .addedToCart, ref: Int(item.product))
            }
            self.add(&sim, planned.time - random.between(30...240), .startedCheckout, ref: index)
        }
        self.add(&sim, planned.time, .placedOrder, ref: index)
        return index
    }

    private mutating func followUp(_ sim: inout ProfileState, _ random: inout DemoRandom, order index: Int, openRate: Double) {
        let order = self.orders[index]
        let hubUser = sim.hubCreated.map { $0 <= order.time } ?? false
        if random.chance(0.02) {
            self.add(&sim, order.time + random.between(10 * 60...6 * Self.hour), .cancelledOrder, ref: index)
            return
        }
        let shipped = order.time + random.between(Self.day...3 * Self.day)
        self.add(&sim, shipped, .fulfilledOrder, ref: index)
        if hubUser, random.chance(0.3) {
            let t = shipped + random.between(Self.hour...2 * Self.day)
            self.add(&sim, t, .hubOpened)
            self.add(&sim, t + random.between(10...120), .hubTrackedOrder, ref: index)
        }
        if random.chance(0.5) {
            self.message(&sim, &random, self.flows.postPurchase, at: order.time + 6 * Self.day, openRate: openRate)
        }
        if random.chance(0.05) {
            let refund = order.time + random.between(7 * Self.day...25 * Self.day)
            if hubUser {
                let t = refund - random.between(2 * Self.day...4 * Self.day)
                self.add(&sim, t, .hubOpened)
                self.add(&sim, t + random.between(10...120), .hubStartedReturn, ref: index)
            }
            let partial = order.items.count > 1 && random.chance(0.4)
            self.add(&sim, refund, .refundedOrder, ref: index, flag: partial ? UInt8(1 + random.below(order.items.count)) : 0)
        }
    }

    // MARK: The Customer Hub

    private mutating func hub(_ sim: inout ProfileState, _ random: inout DemoRandom, createdAt created: Int64) {
        self.add(&sim, created, .hubCreatedAccount)
        self.add(&sim, created + 5, .hubOpened)
        let meanGap = Double(Self.day) * random.gamma(shape: 2, scale: 20)
        let leaves = created + Int64(random.exponential(mean: 180 * Double(Self.day)))
        var t = created
        while true {
            t = self.daytime(t + Int64(random.exponential(mean: meanGap)) + Self.hour, &random)
            if t > min(leaves, self.span) { break }
            self.add(&sim, t, .hubOpened)
            let act = t + random.between(15...300)
            let draw = random.unit()
            let earlier = sim.orderIndices.filter { self.orders[$0].time < t }
            if draw < 0.35 {
                let service = random.unit()
                if service < 0.45, let order = earlier.last {
                    self.add(&sim, act, .hubTrackedOrder, ref: order)
                } else if service < 0.55, let order = earlier.last {
                    self.add(&sim, act, .hubStartedReturn, ref: order)
                } else if service < 0.75 {
                    self.add(&sim, act, .hubAppliedCoupon, ref: random.below(DemoEventBuilder.coupons.count))
                } else if service < 0.9 {
                    self.add(&sim, act, .hubClickedHelp, ref: random.below(DemoEventBuilder.helpTopics.count))
                } else {
                    self.add(&sim, act, .hubStartedChat)
                }
            } else if draw < 0.7 {
                let product = self.productFor(&sim, &random, at: act)
                self.add(&sim, act, .hubClickedProduct, ref: product)
                let follow = random.unit()
                if follow < 0.3 {
                    self.hubOrder(&sim, &random, at: act + random.between(20 * 60...23 * Self.hour), products: [Int16(product)])
                } else if follow < 0.35 {
                    // Too late for Hub attribution (more than a day after the click).
                    self.hubOrder(&sim, &random, at: act + random.between(25 * Self.hour...40 * Self.hour), products: [Int16(product)])
                }
            } else if draw < 0.8 {
                let product = self.productFor(&sim, &random, at: act)
                self.add(&sim, act, .hubAddedToCart, ref: product)
                if random.chance(0.35) {
                    self.hubOrder(&sim, &random, at: act + random.between(5 * 60...12 * Self.hour), products: [Int16(product)])
                }
            } else if draw < 0.95, let order = earlier.last.map({ random.chance(0.7) ? $0 : earlier[random.below(earlier.count)] }) {
                self.add(&sim, act, .hubClickedBuyAgain, ref: order)
                if random.chance(0.45) {
                    let again = self.orders[order].items.map(\.product).filter {
                        self.catalog[Int($0)].available || act < self.span - 90 * Self.day
                    }
                    if !again.isEmpty {
                        self.hubOrder(&sim, &random, at: act + random.between(5 * 60...20 * Self.hour), products: again)
                    }
                }
            }
        }
    }

    private mutating func hubOrder(_ sim: inout ProfileState, _ random: inout DemoRandom, at time: Int64, products: [Int16]) {
        guard time <= self.span else { return }
        self.placeOrder(&sim, &random, PlannedOrder(time: time, source: .web, subscription: false), hubDriven: products)
    }

    // MARK: Messages

    /// Records a message's delivery and maybe its open and click; returns the click's time.
    @discardableResult
    private mutating func message(
        _ sim: inout ProfileState, _ random: inout DemoRandom, _ messageIndex: Int, at time: Int64, openRate: Double
    ) -> Int64? {
        guard time <= self.span else { return nil }
        let (received, opened, clicked): (DemoRecord.Kind, DemoRecord.Kind?, DemoRecord.Kind)
        let openChance: Double
        let clickChance: Double
        switch self.messages[messageIndex].channel {
        case .email: (received, opened, clicked, openChance, clickChance) = (.receivedEmail, .openedEmail, .clickedEmail, openRate, 0.12)
        case .sms: (received, opened, clicked, openChance, clickChance) = (.receivedSMS, nil, .clickedSMS, 1, 0.06)
        case .push: (received, opened, clicked, openChance, clickChance) = (.receivedPush, nil, .openedPush, 1, 0.15)
        }
        self.add(&sim, time, received, ref: messageIndex)
        guard random.chance(openChance) else { return nil }
        var t = time
        if let opened {
            t += random.between(60...10 * Self.hour)
            self.add(&sim, t, opened, ref: messageIndex)
        }
        guard random.chance(clickChance) else { return nil }
        t += random.between(5...600)
        return self.add(&sim, t, clicked, ref: messageIndex) ? t : nil
    }

    // MARK: Helpers

    /// Appends a record if its time is inside the history.
    @discardableResult
    private mutating func add(_ sim: inout ProfileState, _ time: Int64, _ kind: DemoRecord.Kind, ref: Int = 0, flag: UInt8 = 0) -> Bool {
        // Counted even when dropped, so that a later `end` shifts few unique ids.
        sim.seq += 1
        guard time >= 0, time <= self.span else { return false }
        self.records.append(DemoRecord(time: time, profile: sim.index, seq: sim.seq, ref: Int32(ref), kind: kind, flag: flag))
        return true
    }

    /// A time on the same local day as `time`, at an hour drawn from the daily pattern.
    private func daytime(_ time: Int64, _ random: inout DemoRandom) -> Int64 {
        let local = time + self.startPhase + Self.zoneOffset
        let dayStart = time - ((local % Self.day) + Self.day) % Self.day
        return dayStart + Int64(random.pick(cumulative: self.cumulativeHours)) * Self.hour + random.between(0...3_599)
    }

    private func popularProduct(_ random: inout DemoRandom) -> Int { random.pick(cumulative: self.cumulativePopularity) }

    /// A product this profile might look at or buy: mostly from its favourite group.
    private func productFor(_ sim: inout ProfileState, _ random: inout DemoRandom, at time: Int64) -> Int {
        if random.chance(0.5) { return self.productIn(group: sim.favoriteGroup, &random, at: time) }
        for _ in 0..<4 {
            let product = self.popularProduct(&random)
            if self.sellable(product, at: time) { return product }
        }
        return sim.favoriteGroup * DemoCatalog.groupSize
    }

    private func productIn(group: Int, _ random: inout DemoRandom, at time: Int64) -> Int {
        let product = group * DemoCatalog.groupSize + random.below(DemoCatalog.groupSize)
        // The first product of a group is always available.
        return self.sellable(product, at: time) ? product : group * DemoCatalog.groupSize
    }

    /// Discontinued products sold until 90 days before the end.
    private func sellable(_ product: Int, at time: Int64) -> Bool {
        self.catalog[product].available || time < self.span - 90 * Self.day
    }

    private static func source(_ random: inout DemoRandom) -> DemoOrder.Source {
        let draw = random.unit()
        return draw < 0.9 ? .web : draw < 0.96 ? .pos : .ios
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// The messages flows send, as indexes into the message list.
struct DemoFlows {
    var welcome: [Int]
    var abandonedEmail: Int
    var abandonedSMS: Int
    var postPurchase: Int
    var winBack: Int
}

private struct PlannedOrder {
    var time: Int64
    var source: DemoOrder.Source
    var subscription: Bool
}

/// What the simulation of one profile carries between its steps.
private struct ProfileState {
    var index: Int32
    var seq: Int32 = 0
    var favoriteGroup = 0
    var spend = 1.0
    var plannedOrders: [PlannedOrder] = []
    var orderIndices: [Int] = []
    var orderCount: Int32 = 0
    var hubCreated: Int64?
}
