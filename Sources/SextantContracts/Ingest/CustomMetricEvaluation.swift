public import Foundation
public import SextantWire

// What a custom metric means for one logged event: the rules of PRODUCT.md 8, "Metric
// conditions", in one place for every service that reads the log (predictive-service's CLV
// conversion metric today; reports later).

extension CustomMetric {
    /// Whether `event` is one of the metric's events: its metric is one of the sources' and it
    /// passes every filter of that source (of any such source, when two name the same metric).
    public func matches(_ event: LoggedEvent) -> Bool {
        self.sources.contains { $0.metric == event.metric && $0.matches(event) }
    }

    /// `text` when it is plain decimal text (`-?[0-9]+(\.[0-9]+)?`, as on the wire), else nil:
    /// "1,299.00", "12 USD" or "1e3" are not amounts.
    static func plainDecimal(_ text: String) -> Decimal? {
        var text = text
        return text.withUTF8 { WireRawValues.decimal(UnsafeRawBufferPointer($0)) }
    }

    /// The metric names whose events can match: what a reader must decode to evaluate the metric.
    public var sourceMetrics: Set<String> { Set(self.sources.map(\.metric)) }

    /// What a matching event adds to the metric: 1 for `count`; for `value`, the event's value (no
    /// property) or the named property's number (a number, or text that is one), and nil when the
    /// event has none. Call it on matching events only.
    public func measure(_ event: LoggedEvent) -> Decimal? {
        switch self.aggregation {
        case .count:
            return 1
        case .value(property: nil):
            return event.value
        case .value(property: "value"?):
            return event.value
        case .value(property: let name?):
            switch event.properties[name] {
            case .number(let number)?: return number
            case .string(let text)?: return Self.plainDecimal(text)
            default: return nil
            }
        }
    }
}

extension CustomMetricSource {
    /// Whether `event` passes every filter (its metric is not checked here).
    public func matches(_ event: LoggedEvent) -> Bool {
        self.filters.allSatisfy { $0.matches(event) }
    }
}

extension PropertyFilter {
    /// The condition applied to `event`:
    /// - `equals` / `notEquals` compare the property's JSON scalar as text (`true`, `false`, a
    ///   number's JSON text); `value` is always the event's value (never a property of that name),
    ///   compared as a decimal, also with an operand written as decimal text.
    /// - `greaterThan`, `lessThan`, `greaterOrEqual`, `lessOrEqual` compare decimals and are false
    ///   when the property is not a number.
    /// - `contains` is substring for text, element equality (as text) for arrays.
    /// - `isSet` means present and not null.
    /// - A missing (or null) property makes `equals`, `contains` and the comparisons false, and
    ///   `notEquals`, `notContains` and `isNotSet` true.
    public func matches(_ event: LoggedEvent) -> Bool {
        let subject = self.subject(of: event)
        let operand = self.effectiveOperand
        switch self.op {
        case .isSet: return subject != nil
        case .isNotSet: return subject == nil
        case .equals: return Self.equal(subject, operand)
        case .notEquals: return !Self.equal(subject, operand)
        case .contains: return Self.contains(subject, operand)
        case .notContains: return !Self.contains(subject, operand)
        case .greaterThan: return Self.compare(subject, operand) { $0 > $1 }
        case .lessThan: return Self.compare(subject, operand) { $0 < $1 }
        case .greaterOrEqual: return Self.compare(subject, operand) { $0 >= $1 }
        case .lessOrEqual: return Self.compare(subject, operand) { $0 <= $1 }
        }
    }

    /// The property's value; `value` is the event's own value unless a property of that name
    /// exists. nil: missing or JSON null.
    private func subject(of event: LoggedEvent) -> JSONValue? {
        if self.property == "value" { return event.value.map { .number($0) } }
        if let property = event.properties[self.property], property != .null { return property }
        return nil
    }

    /// The operand as the condition reads it: for `value` (a decimal), text that is plain decimal
    /// text counts as that number.
    private var effectiveOperand: JSONValue? {
        if self.property == "value", case .string(let text)? = self.operand, let number = CustomMetric.plainDecimal(text) { return .number(number) }
        return self.operand
    }

    /// A scalar's text: strings as they are, `true`/`false`, a number's JSON text. nil for null,
    /// arrays and objects.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        case .number(let number)?: number.isNaN ? nil : DecimalText.format(number)
        default: nil
        }
    }

    private static func equal(_ subject: JSONValue?, _ operand: JSONValue?) -> Bool {
        if case .number(let left)? = subject, case .number(let right)? = operand { return left == right }
        guard let left = Self.text(subject), let right = Self.text(operand) else { return false }
        return left == right
    }

    private static func contains(_ subject: JSONValue?, _ operand: JSONValue?) -> Bool {
        guard let needle = Self.text(operand) else { return false }
        switch subject {
        case .string(let text)?: return text.contains(needle)
        case .array(let elements)?: return elements.contains { Self.text($0) == needle }
        default: return false
        }
    }

    private static func compare(_ subject: JSONValue?, _ operand: JSONValue?, _ holds: (Decimal, Decimal) -> Bool) -> Bool {
        guard case .number(let left)? = subject, case .number(let right)? = operand else { return false }
        return holds(left, right)
    }
}
