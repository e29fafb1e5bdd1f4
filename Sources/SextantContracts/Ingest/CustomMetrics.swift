public import Foundation
public import SextantWire

/// A named definition over stored events (PRODUCT.md 1, "Custom metrics"): one or more base
/// metrics, each with property filters, and an aggregation.
public struct CustomMetric: Codable, Sendable, Hashable {
    public var id: UInt64
    public var accountID: UInt64
    public var name: String
    public var sources: [CustomMetricSource]
    public var aggregation: Aggregation
    public var createdAt: Date

    public enum Aggregation: Codable, Sendable, Hashable {
        /// How many matching events.
        case count
        /// Revenue: the event value (property nil) or a numeric property.
        case value(property: String?)

        enum CodingKeys: Int, CodingKey { case count = 1, value }
        enum ValueCodingKeys: Int, CodingKey { case property = 1 }
    }

    public init(id: UInt64, accountID: UInt64, name: String, sources: [CustomMetricSource], aggregation: Aggregation, createdAt: Date) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.sources = sources
        self.aggregation = aggregation
        self.createdAt = createdAt
    }

    enum CodingKeys: Int, CodingKey { case id = 1, accountID, name, sources, aggregation, createdAt }
}

/// One base metric of a custom metric and the filters its events must pass (all of them).
public struct CustomMetricSource: Codable, Sendable, Hashable {
    public var metric: String
    public var filters: [PropertyFilter]

    public init(metric: String, filters: [PropertyFilter] = []) {
        self.metric = metric
        self.filters = filters
    }

    enum CodingKeys: Int, CodingKey { case metric = 1, filters }
}

/// A condition on one event property (or on `value`). Semantics: PRODUCT.md 8, "Metric conditions".
public struct PropertyFilter: Codable, Sendable, Hashable {
    public enum Operator: UInt8, Codable, Sendable, Hashable, CaseIterable {
        case equals = 1, notEquals, contains, notContains, greaterThan, lessThan, greaterOrEqual, lessOrEqual
        case isSet, isNotSet
    }

    public var property: String
    public var op: Operator
    /// The operand; ignored by `isSet`/`isNotSet`.
    public var operand: JSONValue?

    public init(property: String, op: Operator, operand: JSONValue? = nil) {
        self.property = property
        self.op = op
        self.operand = operand
    }

    enum CodingKeys: Int, CodingKey { case property = 1, op, operand }
}

/// Defines a custom metric. Refused past the account's limit (1, or 50 with Marketing Analytics).
public struct CreateCustomMetricRequest: Codable, Sendable, Hashable {
    public var accountID: UInt64
    public var name: String
    public var sources: [CustomMetricSource]
    public var aggregation: CustomMetric.Aggregation

    public init(accountID: UInt64, name: String, sources: [CustomMetricSource], aggregation: CustomMetric.Aggregation) {
        self.accountID = accountID
        self.name = name
        self.sources = sources
        self.aggregation = aggregation
    }

    enum CodingKeys: Int, CodingKey { case accountID = 1, name, sources, aggregation }
}

/// An account's custom metrics, in creation order.
public struct CustomMetricList: Codable, Sendable, Hashable {
    public var metrics: [CustomMetric]
    /// How many the account may define.
    public var limit: UInt32

    public init(metrics: [CustomMetric], limit: UInt32) {
        self.metrics = metrics
        self.limit = limit
    }

    enum CodingKeys: Int, CodingKey { case metrics = 1, limit }
}
