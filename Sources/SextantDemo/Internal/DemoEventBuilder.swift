import Foundation
import SextantContracts
import SextantWire

/// The planned demo: records sorted by time, and what turns one record into an `EventInput`.
final class DemoPlan: Sendable {
    let records: [DemoRecord]
    let orders: [DemoOrder]
    let people: [DemoPerson]
    let catalog: [DemoProduct]
    let messages: [DemoMessage]
    let seed: UInt64
    /// `end` as seconds since the reference date; record times count back from it.
    let endReference: Double
    let span: Int64
    /// Per product: its fields as JSON, built once.
    private let productFields: [[String: JSONValue]]

    init(planner: DemoPlanner, endReference: Double) {
        var records = planner.records
        records.sort { ($0.time, $0.profile, $0.seq) < ($1.time, $1.profile, $1.seq) }
        self.records = records
        self.orders = planner.orders
        self.people = planner.people
        self.catalog = planner.catalog
        self.messages = planner.messages
        self.seed = planner.seed
        self.endReference = endReference
        self.span = planner.span
        self.productFields = planner.catalog.map { product in
            [
                "product_id": .string(product.id), "product_name": .string(product.name),
                "category": .string(product.category), "price": .number(product.price),
            ]
        }
    }

    func orderID(_ index: Int) -> String {
        let order = self.orders[index]
        return "D\(self.seed)-\(order.profile + 1)-\(order.number)"
    }

    func event(at index: Int) -> EventInput {
        let record = self.records[index]
        let person = self.people[Int(record.profile)]
        let ref = Int(record.ref)
        let time = Date(timeIntervalSinceReferenceDate: self.endReference - Double(self.span - record.time))
        var profile = ProfileIdentifiers(email: person.email)
        var uniqueID = "demo\(self.seed)-\(record.profile + 1)-\(record.seq)"
        var value: Decimal?
        var properties: [String: JSONValue] = [:]
        let metric: String

        switch record.kind {
        case .subscribedToList:
            metric = "Subscribed to List"
            properties = ["list_id": "LIST-NEWSLETTER", "list_name": "Newsletter"]
        case .activeOnSite:
            metric = "Active on Site"
            properties = ["page": "/"]
        case .viewedProduct, .addedToCart, .hubClickedProduct, .hubAddedToCart:
            metric = record.kind.metric
            properties = self.productFields[ref]
        case .startedCheckoutCart:
            metric = "Started Checkout"
            value = self.catalog[ref].price
            properties = ["items": .array([self.item(product: ref, quantity: 1)]), "item_count": 1]
        case .startedCheckout, .placedOrder, .fulfilledOrder, .cancelledOrder, .refundedOrder:
            let order = self.orders[ref]
            let orderID = self.orderID(ref)
            uniqueID = orderID
            profile.phone = person.phone
            profile.externalID = person.externalID
            var items = order.items
            if record.kind == .refundedOrder, record.flag > 0 { items = [order.items[Int(record.flag) - 1]] }
            let cents = items.reduce(0) { $0 + self.catalog[Int($1.product)].priceCents * Int($1.quantity) }
            value = DemoMoney.decimal(cents: cents)
            properties["order_id"] = .string(orderID)
            properties["item_count"] = .number(Decimal(items.reduce(0) { $0 + Int($1.quantity) }))
            switch record.kind {
            case .startedCheckout:
                metric = "Started Checkout"
                properties["items"] = self.items(items)
            case .placedOrder:
                metric = StandardMetric.placedOrder
                properties["items"] = self.items(items)
                properties["source"] = .string(["web", "pos", "ios"][Int(order.source.rawValue)])
                properties["subscription"] = .bool(order.subscription)
                properties["logged_in"] = .bool(order.loggedIn)
            case .fulfilledOrder:
                metric = "Fulfilled Order"
            case .cancelledOrder:
                metric = "Cancelled Order"
                properties["reason"] = "customer request"
            default:
                metric = "Refunded Order"
                properties["items"] = self.items(items)
                properties["reason"] = record.flag > 0 ? "item returned" : "order returned"
            }
        case .receivedEmail, .openedEmail, .clickedEmail, .receivedSMS, .clickedSMS, .receivedPush, .openedPush:
            metric = record.kind.metric
            if record.kind == .receivedSMS || record.kind == .clickedSMS { profile.phone = person.phone }
            let message = self.messages[ref]
            properties["message_id"] = .string(message.id)
            properties["subject"] = .string(message.subject)
            if let campaign = message.campaignID {
                properties["campaign_id"] = .string(campaign)
                properties["campaign_name"] = .string(message.name)
            }
            if let flow = message.flowID {
                properties["flow_id"] = .string(flow)
                properties["flow_name"] = .string(message.name)
            }
        case .hubCreatedAccount:
            metric = "Hub Created Account"
        case .hubOpened:
            metric = "Hub Opened"
        case .hubTrackedOrder, .hubStartedReturn:
            metric = record.kind == .hubTrackedOrder ? "Hub Tracked Order" : "Hub Started Return"
            properties["order_id"] = .string(self.orderID(ref))
        case .hubClickedBuyAgain:
            metric = "Hub Clicked Buy Again"
            properties["order_id"] = .string(self.orderID(ref))
            properties["product_ids"] = .array(self.orders[ref].items.map { .string(self.catalog[Int($0.product)].id) })
        case .hubAppliedCoupon:
            metric = "Hub Applied Coupon"
            properties["coupon_code"] = .string(DemoEventBuilder.coupons[ref])
        case .hubClickedHelp:
            metric = "Hub Clicked Help"
            properties["topic"] = .string(DemoEventBuilder.helpTopics[ref])
        case .hubStartedChat:
            metric = "Hub Started Chat"
        }
        return EventInput(metric: metric, profile: profile, time: time, value: value, uniqueID: uniqueID, properties: properties)
    }

    private func item(product: Int, quantity: Int8) -> JSONValue {
        var fields = self.productFields[product]
        fields["quantity"] = .number(Decimal(Int(quantity)))
        return .object(fields)
    }

    private func items(_ items: [(product: Int16, quantity: Int8)]) -> JSONValue {
        .array(items.map { self.item(product: Int($0.product), quantity: $0.quantity) })
    }
}

/// Fixed texts of the Hub events.
enum DemoEventBuilder {
    static let coupons = ["WELCOME10", "LOYAL15", "FREESHIP", "BIRTHDAY20"]
    static let helpTopics = ["shipping", "returns", "payment", "account", "subscriptions"]
}
