public import Foundation

/// One marketing message of the demo shop: a campaign send or a flow step. The shop's message
/// events (`Received Email`, `Opened Push`, …) carry its ids.
public struct DemoMessage: Sendable, Hashable {
    public enum Channel: String, Sendable, Hashable {
        case email, sms, push
    }

    /// `message_id` of the events.
    public var id: String
    public var channel: Channel
    /// `campaign_id` for a campaign message, else nil.
    public var campaignID: String?
    /// `flow_id` for a flow message, else nil.
    public var flowID: String?
    /// The campaign's or flow's name.
    public var name: String
    /// The subject line (email) or the first words of the text (SMS, push).
    public var subject: String
    /// A campaign's send time; nil for flow messages, which are sent when triggered.
    public var sendTime: Date?

    public init(
        id: String, channel: Channel, campaignID: String?, flowID: String?, name: String, subject: String, sendTime: Date?
    ) {
        self.id = id
        self.channel = channel
        self.campaignID = campaignID
        self.flowID = flowID
        self.name = name
        self.subject = subject
        self.sendTime = sendTime
    }
}
