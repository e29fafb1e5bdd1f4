public import Foundation
public import SextantContracts

/// A deterministic demo shop: an account, a catalog, marketing messages and about 18 months of
/// customer history, as the events a shop would send to ingest.
///
/// The same seed, profile count, months and `end` give byte-identical events. Every event has a
/// `uniqueID` that does not depend on `end`, so importing the demo again (even with a later `end`)
/// stores nothing twice. Event times lie in `[start, end]`.
///
/// ```swift
/// let shop = DemoShop(end: Date())
/// let account = try await client.unary(IngestService.createAccount, shop.account)
/// for batch in shop.batches(size: 1_000) {
///     _ = try await client.unary(IngestService.trackEvents, TrackEventsRequest(accountID: account.id, events: batch))
/// }
/// ```
///
/// What is in it (the default 20,000 profiles, 18 months): about 490,000 events (27,000 orders). Orders
/// (`Placed Order` with `items`, `Started Checkout`, `Fulfilled Order`, `Cancelled Order`,
/// `Refunded Order`), browsing (`Active on Site`, `Viewed Product`, `Added to Cart`), email, SMS
/// and push campaigns and flows (`Received`/`Opened`/`Clicked Email`, `Received`/`Clicked SMS`,
/// `Received`/`Opened Push`, `Subscribed to List`) and the Customer Hub (the ten `Hub …` metrics),
/// whose product clicks, add-to-carts and buy-again clicks are sometimes followed within 24 hours
/// by an order containing that product. `Ordered Product` is not sent: ingest derives it from the
/// orders' items.
public struct DemoShop: Sendable {
    public let seed: UInt64
    public let profiles: Int
    public let months: Int
    /// The instant the history ends (normally the time `sextant up --demo` runs).
    public let end: Date
    /// `end` minus `months` average Gregorian months (30.436875 days each).
    public let start: Date
    /// The account to create for the demo: "Demo Shop", America/New_York, USD, Marketing
    /// Analytics, Customer Hub active.
    public var account: CreateAccountRequest
    /// 200 products in 8 categories, ids SKU-1001 to SKU-1200; 10 of them unavailable.
    public let catalog: [DemoProduct]
    /// The campaigns' messages (with their send times) and the flows' messages.
    public let messages: [DemoMessage]

    /// Seconds in an average Gregorian month.
    static let monthSeconds: Int64 = 2_629_746

    private let span: Int64
    private let flows: DemoFlows
    private let campaignOffsets: [Int64?]

    /// - Parameters:
    ///   - seed: selects the shop's history; default 1.
    ///   - profiles: how many customers; default 20,000.
    ///   - months: the length of the history, 1 or more; default 18.
    ///   - end: when the history ends; callers pass the current time.
    public init(seed: UInt64 = 1, profiles: Int = 20_000, months: Int = 18, end: Date) {
        precondition(profiles >= 0 && months >= 1, "DemoShop needs profiles >= 0 and months >= 1")
        self.seed = seed
        self.profiles = profiles
        self.months = months
        self.end = end
        self.span = Int64(months) * Self.monthSeconds
        self.start = Date(timeIntervalSinceReferenceDate: end.timeIntervalSinceReferenceDate - Double(self.span))
        self.account = CreateAccountRequest(
            name: "Demo Shop", timeZone: "America/New_York", currency: "USD", plan: .marketingAnalytics,
            customerHubActive: true)
        self.catalog = DemoCatalog.make(seed: seed)

        // Campaigns: email on days 3 and 17 of each month at 10:00, SMS on day 10 at 18:00, push on
        // day 24 of every other month at 12:00 (New York, standard time).
        var messages: [DemoMessage] = []
        var offsets: [Int64?] = []
        let phase = Self.unixPhase(of: self.start)
        func localTime(month: Int, day: Int64, hour: Int64) -> Int64 {
            let t = Int64(month) * Self.monthSeconds + day * DemoPlanner.day
            let local = t + phase + DemoPlanner.zoneOffset
            return t - ((local % DemoPlanner.day) + DemoPlanner.day) % DemoPlanner.day + hour * DemoPlanner.hour
        }
        let emailSubjects = ["New roasts are in", "Brew better at home", "This week's picks", "Last chance: seasonal blend"]
        for month in 0..<months {
            var sends: [(DemoMessage.Channel, Int64, String)] = [
                (.email, localTime(month: month, day: 3, hour: 10), emailSubjects[(2 * month) % emailSubjects.count]),
                (.sms, localTime(month: month, day: 10, hour: 18), "Flash sale tonight: 20% off brewing gear"),
                (.email, localTime(month: month, day: 17, hour: 10), emailSubjects[(2 * month + 1) % emailSubjects.count]),
            ]
            if month % 2 == 1 { sends.append((.push, localTime(month: month, day: 24, hour: 12), "Your favourites are back")) }
            for (channel, offset, subject) in sends where offset >= 0 && offset <= self.span {
                let number = messages.count + 1
                let campaignID = "CMP-" + DemoPlanner.padded(number, 3)
                messages.append(
                    DemoMessage(
                        id: "MSG-\(campaignID)", channel: channel, campaignID: campaignID, flowID: nil,
                        name: "\(channel.rawValue.uppercased()) campaign \(number): \(subject)", subject: subject,
                        sendTime: Date(timeIntervalSinceReferenceDate: end.timeIntervalSinceReferenceDate - Double(self.span - offset))))
                offsets.append(offset)
            }
        }
        func flow(_ id: String, _ name: String, _ step: Int, _ channel: DemoMessage.Channel, _ subject: String) -> Int {
            messages.append(
                DemoMessage(id: "MSG-\(id)-\(step)", channel: channel, campaignID: nil, flowID: id, name: name, subject: subject, sendTime: nil))
            offsets.append(nil)
            return messages.count - 1
        }
        self.flows = DemoFlows(
            welcome: [
                flow("FLOW-WELCOME", "Welcome series", 1, .email, "Welcome to Demo Shop"),
                flow("FLOW-WELCOME", "Welcome series", 2, .email, "How we roast"),
                flow("FLOW-WELCOME", "Welcome series", 3, .email, "10% off your first order"),
            ],
            abandonedEmail: flow("FLOW-ABANDONED", "Abandoned checkout", 1, .email, "You left something behind"),
            abandonedSMS: flow("FLOW-ABANDONED", "Abandoned checkout", 2, .sms, "Your cart is waiting"),
            postPurchase: flow("FLOW-POSTPURCHASE", "Post-purchase", 1, .email, "How is your order?"),
            winBack: flow("FLOW-WINBACK", "Win-back", 1, .email, "We miss you"))
        self.messages = messages
        self.campaignOffsets = offsets
    }

    /// Every event, in time order (ties in a fixed order). Planning takes a fraction of a second;
    /// events are built as they are read.
    public func events() -> DemoEvents { DemoEvents(plan: self.makePlan()) }

    /// The events in batches of `size` (1 to 1,000, the most a `TrackEventsRequest` takes), in time
    /// order.
    public func batches(size: Int = TrackEventsRequest.maximumEvents) -> DemoBatches {
        precondition((1...TrackEventsRequest.maximumEvents).contains(size), "batch size must be 1 to 1000")
        return DemoBatches(plan: self.makePlan(), size: size)
    }

    private func makePlan() -> DemoPlan {
        var planner = DemoPlanner(
            seed: self.seed, span: self.span, startPhase: Self.unixPhase(of: self.start), catalog: self.catalog,
            messages: self.messages, messageSendTimes: self.campaignOffsets, flows: self.flows)
        planner.records.reserveCapacity(self.profiles * 24)
        planner.people.reserveCapacity(self.profiles)
        for profile in 0..<self.profiles { planner.simulate(profile: profile) }
        return DemoPlan(planner: planner, endReference: self.end.timeIntervalSinceReferenceDate)
    }

    /// Whole Unix seconds of `date` modulo one day.
    private static func unixPhase(of date: Date) -> Int64 {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return ((seconds % DemoPlanner.day) + DemoPlanner.day) % DemoPlanner.day
    }
}

/// The demo's events in time order; ``count`` is known before reading.
public struct DemoEvents: Sequence, Sendable {
    let plan: DemoPlan

    /// How many events there are.
    public var count: Int { self.plan.records.count }

    /// The event at `index` (0 ..< count).
    public subscript(index: Int) -> EventInput { self.plan.event(at: index) }

    public func makeIterator() -> Iterator { Iterator(plan: self.plan) }

    public struct Iterator: IteratorProtocol {
        let plan: DemoPlan
        var position = 0

        public mutating func next() -> EventInput? {
            guard self.position < self.plan.records.count else { return nil }
            defer { self.position += 1 }
            return self.plan.event(at: self.position)
        }
    }
}

/// The demo's events as batches for `TrackEvents`/`TrackEventStream`.
public struct DemoBatches: Sequence, Sendable {
    let plan: DemoPlan
    /// Events per batch (the last batch may be smaller).
    public let size: Int

    /// How many events there are in all.
    public var eventCount: Int { self.plan.records.count }
    /// How many batches there are.
    public var count: Int { (self.plan.records.count + self.size - 1) / self.size }

    public func makeIterator() -> Iterator { Iterator(plan: self.plan, size: self.size) }

    public struct Iterator: IteratorProtocol {
        let plan: DemoPlan
        let size: Int
        var position = 0

        public mutating func next() -> [EventInput]? {
            let total = self.plan.records.count
            guard self.position < total else { return nil }
            let end = Swift.min(total, self.position + self.size)
            defer { self.position = end }
            return (self.position..<end).map { self.plan.event(at: $0) }
        }
    }
}
