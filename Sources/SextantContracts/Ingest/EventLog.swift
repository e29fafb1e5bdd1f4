public import SextantWire

/// One entry of the ingest log. Positions are global across accounts and strictly increasing,
/// so an account's own entries have increasing but not consecutive positions.
///
/// The body is kept encoded: ingest stores it once and replays the stored bytes, so a replay
/// does not decode and re-encode each entry. ``decodeBody()`` gives the value.
public struct LogEntry: Codable, Sendable, Hashable {
    public enum Kind: UInt8, Codable, Sendable, Hashable {
        /// Body: ``LoggedEvent``.
        case event = 1
        /// Body: ``Account`` after a create or update.
        case account = 2
        /// Body: ``Profile`` after an upsert (not after every event).
        case profile = 3
        /// Body: ``ProfileMerge``.
        case merge = 4
        /// Body: ``CustomMetric``.
        case customMetric = 5
    }

    public var position: UInt64
    public var accountID: UInt64
    public var kind: Kind
    /// The body in the wire encoding.
    public var body: [UInt8]

    public init(position: UInt64, accountID: UInt64, kind: Kind, body: [UInt8]) {
        self.position = position
        self.accountID = accountID
        self.kind = kind
        self.body = body
    }

    /// A decoded body.
    public enum Body: Sendable, Hashable {
        case event(LoggedEvent)
        case account(Account)
        case profile(Profile)
        case merge(ProfileMerge)
        case customMetric(CustomMetric)
    }

    public func decodeBody(with decoder: WireDecoder = WireDecoder()) throws -> Body {
        switch self.kind {
        case .event: .event(try decoder.decode(LoggedEvent.self, from: self.body))
        case .account: .account(try decoder.decode(Account.self, from: self.body))
        case .profile: .profile(try decoder.decode(Profile.self, from: self.body))
        case .merge: .merge(try decoder.decode(ProfileMerge.self, from: self.body))
        case .customMetric: .customMetric(try decoder.decode(CustomMetric.self, from: self.body))
        }
    }

    enum CodingKeys: Int, CodingKey { case position = 1, accountID, kind, body }
}

/// Delivers the log in order from a position, then (when `follow`) new entries as they are
/// committed. Backpressure: the server waits for the subscriber's flow-control window.
public struct SubscribeRequest: Codable, Sendable, Hashable {
    /// Entries with positions greater than this one are delivered (0: from the start).
    public var after: UInt64
    /// Only this account's entries; nil: every account's (the services' own subscriptions).
    public var accountID: UInt64?
    /// Keep delivering new entries after catching up, until the call is cancelled.
    public var follow: Bool
    /// Entries per message, 1...5000 (default 1000). A message also stops at about 1 MiB of
    /// bodies; one entry can be as large as its request (5 MiB), so a subscriber that must
    /// receive every entry announces a maximum message size of at least 5 MiB + 64 KiB.
    public var batchSize: UInt32

    public static let maximumBatchSize: UInt32 = 5_000

    public init(after: UInt64 = 0, accountID: UInt64? = nil, follow: Bool = true, batchSize: UInt32 = 1_000) {
        self.after = after
        self.accountID = accountID
        self.follow = follow
        self.batchSize = batchSize
    }

    enum CodingKeys: Int, CodingKey { case after = 1, accountID, follow, batchSize }
}

/// Consecutive log entries (in position order) and the log head when they were read.
public struct LogBatch: Codable, Sendable, Hashable {
    public var entries: [LogEntry]
    /// The highest committed position (of the subscribed account, or of the whole log).
    public var head: UInt64

    public init(entries: [LogEntry], head: UInt64) {
        self.entries = entries
        self.head = head
    }

    enum CodingKeys: Int, CodingKey { case entries = 1, head }
}

/// Asks for the log head (of one account, or of the whole log).
public struct LogHeadRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64?

    public init(accountID: UInt64? = nil) { self.accountID = accountID }

    enum CodingKeys: Int, CodingKey { case accountID = 1 }
}

/// The highest committed position (of one account, or of the whole log); 0 when empty.
public struct LogHead: Codable, Sendable, Hashable {
    public var position: UInt64

    public init(position: UInt64) {
        self.position = position
    }

    enum CodingKeys: Int, CodingKey { case position = 1 }
}
