/// One planned event, compact: the plan holds a few hundred thousand of these, sorted by time,
/// and turns each into an `EventInput` only when a batch is asked for.
struct DemoRecord {
    enum Kind: UInt8 {
        case subscribedToList, activeOnSite, viewedProduct, addedToCart
        /// An abandoned checkout of one product (`ref` = product).
        case startedCheckoutCart
        /// The checkout of an order (`ref` = order).
        case startedCheckout
        case placedOrder, fulfilledOrder, cancelledOrder
        /// `flag` 0: the whole order; n > 0: only item n − 1.
        case refundedOrder
        case receivedEmail, openedEmail, clickedEmail, receivedSMS, clickedSMS, receivedPush, openedPush
        case hubCreatedAccount, hubOpened, hubTrackedOrder, hubStartedReturn, hubAppliedCoupon, hubClickedHelp
        case hubStartedChat, hubClickedProduct, hubAddedToCart, hubClickedBuyAgain

        /// The metric name of the event.
        var metric: String {
            switch self {
            case .subscribedToList: "Subscribed to List"
            case .activeOnSite: "Active on Site"
            case .viewedProduct: "Viewed Product"
            case .addedToCart: "Added to Cart"
            case .startedCheckoutCart, .startedCheckout: "Started Checkout"
            case .placedOrder: "Placed Order"
            case .fulfilledOrder: "Fulfilled Order"
            case .cancelledOrder: "Cancelled Order"
            case .refundedOrder: "Refunded Order"
            case .receivedEmail: "Received Email"
            case .openedEmail: "Opened Email"
            case .clickedEmail: "Clicked Email"
            case .receivedSMS: "Received SMS"
            case .clickedSMS: "Clicked SMS"
            case .receivedPush: "Received Push"
            case .openedPush: "Opened Push"
            case .hubCreatedAccount: "Hub Created Account"
            case .hubOpened: "Hub Opened"
            case .hubTrackedOrder: "Hub Tracked Order"
            case .hubStartedReturn: "Hub Started Return"
            case .hubAppliedCoupon: "Hub Applied Coupon"
            case .hubClickedHelp: "Hub Clicked Help"
            case .hubStartedChat: "Hub Started Chat"
            case .hubClickedProduct: "Hub Clicked Product"
            case .hubAddedToCart: "Hub Added to Cart"
            case .hubClickedBuyAgain: "Hub Clicked Buy Again"
            }
        }
    }

    /// Seconds after the start of the history.
    var time: Int64
    var profile: Int32
    /// The profile's own counter: a tie-breaker for equal times and part of the unique id.
    var seq: Int32
    /// A product, order, message, coupon or help-topic index, by kind.
    var ref: Int32
    var kind: Kind
    var flag: UInt8
}

/// One planned order.
struct DemoOrder {
    enum Source: UInt8 { case web, pos, ios }

    var profile: Int32
    /// The profile's order number, from 1 (the order id is built from it).
    var number: Int32
    var time: Int64
    /// (product index, quantity), products distinct.
    var items: [(product: Int16, quantity: Int8)]
    var source: Source
    var loggedIn: Bool
    var subscription: Bool
    /// A hub click or buy-again click led to it (for the hub events before it).
    var hubDriven: Bool
}

/// One planned profile: its identifiers.
struct DemoPerson {
    var email: String
    var phone: String?
    var externalID: String?
}
