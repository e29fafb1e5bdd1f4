public import Foundation
public import SextantWire

/// How an event or a request names its profile. At least one identifier is required.
public struct ProfileIdentifiers: Codable, Sendable, Hashable {
    /// Compared case-insensitively (stored lower-cased, surrounding spaces removed).
    public var email: String?
    /// E.164, e.g. "+15555550100".
    public var phone: String?
    /// The shop's own customer id.
    public var externalID: String?

    public init(email: String? = nil, phone: String? = nil, externalID: String? = nil) {
        self.email = email
        self.phone = phone
        self.externalID = externalID
    }

    public var isEmpty: Bool { self.email == nil && self.phone == nil && self.externalID == nil }

    enum CodingKeys: Int, CodingKey { case email = 1, phone, externalID }
}

/// One event as a client sends it.
public struct EventInput: Codable, Sendable, Hashable {
    /// The metric name, e.g. "Placed Order"; any other name is a custom event.
    public var metric: String
    public var profile: ProfileIdentifiers
    /// When it happened. Nil: when ingest received it.
    public var time: Date?
    /// Money in the account currency, exact.
    public var value: Decimal?
    /// The client's id for idempotent retries; see ``TrackEventsRequest``.
    public var uniqueID: String?
    public var properties: [String: JSONValue]

    public init(
        metric: String, profile: ProfileIdentifiers, time: Date? = nil, value: Decimal? = nil, uniqueID: String? = nil,
        properties: [String: JSONValue] = [:]
    ) {
        self.metric = metric
        self.profile = profile
        self.time = time
        self.value = value
        self.uniqueID = uniqueID
        self.properties = properties
    }

    enum CodingKeys: Int, CodingKey { case metric = 1, profile, time, value, uniqueID, properties }

    /// As synthesized, except that absent `properties` mean none (JSON Lines imports and hand-written
    /// clients often leave them out).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.metric = try container.decode(String.self, forKey: .metric)
        self.profile = try container.decode(ProfileIdentifiers.self, forKey: .profile)
        self.time = try container.decodeIfPresent(Date.self, forKey: .time)
        self.value = try container.decodeIfPresent(Decimal.self, forKey: .value)
        self.uniqueID = try container.decodeIfPresent(String.self, forKey: .uniqueID)
        self.properties = try container.decodeIfPresent([String: JSONValue].self, forKey: .properties) ?? [:]
    }
}

/// A batch of events for one account: at most ``maximumEvents`` events (more: the whole request
/// is refused), and at most 5 MiB encoded (ingest-service announces a maximum message size of
/// 5 MiB + 64 KiB for the call's framing; a client refuses a larger request before sending it).
///
/// Idempotency: the first event for (account, profile, metric, unique id) is stored; later
/// copies are acknowledged with the original's position and not stored again. Without a
/// `uniqueID` the event time truncated to the second stands in for it.
public struct TrackEventsRequest: Codable, Sendable, Hashable {
    public static let maximumEvents = 1_000
    /// The largest encoded request, 5 MiB.
    public static let maximumBytes = 5 * 1_048_576

    public var accountID: UInt64
    public var events: [EventInput]

    public init(accountID: UInt64, events: [EventInput]) {
        self.accountID = accountID
        self.events = events
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, events }
}

/// What happened to each event of a batch, in request order.
public struct TrackEventsResponse: Codable, Sendable, Hashable {
    public var outcomes: [EventOutcome]
    /// `Ordered Product` events derived from `Placed Order` items in this batch.
    public var derivedEvents: UInt32
    /// The account's log head after this batch.
    public var head: UInt64

    public init(outcomes: [EventOutcome], derivedEvents: UInt32, head: UInt64) {
        self.outcomes = outcomes
        self.derivedEvents = derivedEvents
        self.head = head
    }

    /// How many events were stored now (not counting duplicates or derived events).
    public var stored: Int { self.outcomes.count { $0.status == .stored } }
    public var duplicates: Int { self.outcomes.count { $0.status == .duplicate } }
    public var rejected: Int { self.outcomes.count { $0.status == .rejected } }

    enum CodingKeys: Int, CodingKey { case outcomes = 1, derivedEvents, head }
}

/// The fate of one event of a batch.
public struct EventOutcome: Codable, Sendable, Hashable {
    public enum Status: UInt8, Codable, Sendable, Hashable {
        /// Stored now at `position`.
        case stored = 1
        /// Stored earlier at `position`: this copy was acknowledged and dropped.
        case duplicate = 2
        /// Not stored; `errors` says why.
        case rejected = 3
        /// Not stored because the account does not collect it (Customer Hub inactive); `errors` says so.
        case notCollected = 4
    }

    public var status: Status
    /// The event's position in the log (its id); 0 when not stored.
    public var position: UInt64
    /// The profile the event belongs to; 0 when not stored.
    public var profileID: UInt64
    public var errors: [FieldError]

    public init(status: Status, position: UInt64 = 0, profileID: UInt64 = 0, errors: [FieldError] = []) {
        self.status = status
        self.position = position
        self.profileID = profileID
        self.errors = errors
    }

    enum CodingKeys: Int, CodingKey { case status = 1, position, profileID, errors }
}

/// Why one field of an input is unacceptable.
public struct FieldError: Codable, Sendable, Hashable, CustomStringConvertible {
    /// A path into the input, e.g. "properties.items[3].price".
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(self.field): \(self.reason)" }

    enum CodingKeys: Int, CodingKey { case field = 1, reason }
}

/// An event as stored in the log.
public struct LoggedEvent: Codable, Sendable, Hashable {
    /// The event's id: its position in the log.
    public var position: UInt64
    public var accountID: UInt64
    /// The profile it was recorded for. After a merge this may name the merged-away profile;
    /// the merge entries of the log (and ``Profile/mergedProfileIDs``) lead to the survivor.
    public var profileID: UInt64
    public var metric: String
    public var time: Date
    public var receivedAt: Date
    public var value: Decimal?
    /// The client's unique id, or nil when the time stood in for it.
    public var uniqueID: String?
    public var properties: [String: JSONValue]
    /// For a derived `Ordered Product`: the position of its `Placed Order`; else 0.
    public var derivedFrom: UInt64

    public init(
        position: UInt64, accountID: UInt64, profileID: UInt64, metric: String, time: Date, receivedAt: Date,
        value: Decimal?, uniqueID: String?, properties: [String: JSONValue], derivedFrom: UInt64 = 0
    ) {
        self.position = position
        self.accountID = accountID
        self.profileID = profileID
        self.metric = metric
        self.time = time
        self.receivedAt = receivedAt
        self.value = value
        self.uniqueID = uniqueID
        self.properties = properties
        self.derivedFrom = derivedFrom
    }

    enum CodingKeys: Int, CodingKey {
        case position = 1, accountID, profileID, metric, time, receivedAt, value, uniqueID, properties, derivedFrom
    }
}

extension LoggedEvent {
    /// The metric of an encoded ``LoggedEvent`` (a log entry's body) without decoding the rest:
    /// a log follower reads it first and decodes the whole event only for the metrics it uses.
    /// Throws on a body that is not a well-formed message with a metric.
    public static func metric(ofBody body: [UInt8]) throws -> String {
        guard let metric = try WireFieldPeek.string(field: CodingKeys.metric.rawValue, in: body) else {
            throw WireFieldPeek.Failure.malformed
        }
        return metric
    }
}

/// Finds one event by its id (position).
public struct GetEventRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var position: UInt64

    public init(accountID: UInt64, position: UInt64) {
        self.accountID = accountID
        self.position = position
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, position }
}

/// The standard metric names ingest treats specially (PRODUCT.md 1).
public enum StandardMetric {
    public static let placedOrder = "Placed Order"
    public static let orderedProduct = "Ordered Product"
    /// The Customer Hub's metrics: not collected while the account's Customer Hub is inactive.
    public static let customerHub: Set<String> = [
        "Hub Created Account", "Hub Opened", "Hub Tracked Order", "Hub Started Return", "Hub Applied Coupon",
        "Hub Clicked Help", "Hub Started Chat", "Hub Clicked Product", "Hub Added to Cart", "Hub Clicked Buy Again",
    ]
}
