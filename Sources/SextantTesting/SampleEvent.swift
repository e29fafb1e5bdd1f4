public import Foundation
public import SextantWire

/// A typical Sextant event as the ingest log will carry it (15 fields, a nested identifiers
/// message and a properties object): the message the codec benchmark measures.
public struct SampleEvent: Codable, Equatable, Sendable {
    public var accountID: UInt64
    public var position: UInt64
    public var eventID: UUID
    public var profileID: UUID
    public var metric: String
    public var occurredAt: Date
    public var receivedAt: Date
    public var value: Decimal?
    public var currency: String
    public var uniqueID: String?
    public var identifiers: Identifiers
    public var source: String?
    public var integration: String?
    public var isHubEvent: Bool
    public var properties: [String: JSONValue]

    /// How the event names its profile.
    public struct Identifiers: Codable, Equatable, Sendable {
        public var email: String?
        public var phone: String?
        public var externalID: String?

        public init(email: String?, phone: String?, externalID: String?) {
            self.email = email
            self.phone = phone
            self.externalID = externalID
        }

        enum CodingKeys: Int, CodingKey { case email = 1, phone, externalID }
    }

    public init(
        accountID: UInt64, position: UInt64, eventID: UUID, profileID: UUID, metric: String, occurredAt: Date,
        receivedAt: Date, value: Decimal?, currency: String, uniqueID: String?, identifiers: Identifiers,
        source: String?, integration: String?, isHubEvent: Bool, properties: [String: JSONValue]
    ) {
        self.accountID = accountID
        self.position = position
        self.eventID = eventID
        self.profileID = profileID
        self.metric = metric
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.value = value
        self.currency = currency
        self.uniqueID = uniqueID
        self.identifiers = identifiers
        self.source = source
        self.integration = integration
        self.isHubEvent = isHubEvent
        self.properties = properties
    }

    enum CodingKeys: Int, CodingKey {
        case accountID = 1, position, eventID, profileID, metric, occurredAt, receivedAt, value, currency
        case uniqueID, identifiers, source, integration, isHubEvent, properties
    }
}

extension SampleEvent {
    /// A `Placed Order` with two items: the codec benchmark's message.
    public static let example = SampleEvent(
        accountID: 42,
        position: 1_234_567,
        eventID: UUID(uuidString: "3F2504E0-4F89-11D3-9A0C-0305E82C3301")!,
        profileID: UUID(uuidString: "9B2C7C1E-2A44-4C1A-8E3B-1D2F3A4B5C6D")!,
        metric: "Placed Order",
        occurredAt: Date(timeIntervalSince1970: 1_764_000_000.123456),
        receivedAt: Date(timeIntervalSince1970: 1_764_000_000.223456),
        value: Decimal(string: "129.99")!,
        currency: "USD",
        uniqueID: "order-1001",
        identifiers: .init(email: "ada@example.com", phone: "+15555550100", externalID: nil),
        source: "web",
        integration: "shopify",
        isHubEvent: false,
        properties: [
            "order_id": "1001",
            "logged_in": true,
            "subscription": false,
            "items": [
                ["product_id": "sku-1", "quantity": 2, "price": .number(Decimal(string: "49.99")!)],
                ["product_id": "sku-2", "quantity": 1, "price": .number(Decimal(string: "30.01")!)],
            ],
        ]
    )
}

