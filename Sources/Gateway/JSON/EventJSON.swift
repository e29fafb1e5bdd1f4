import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

/// Events and profiles in JSON.
///
/// An event: `{"metric": "Placed Order", "profile": {"email": …, "phone": …, "external_id": …},
/// "time": "2026-11-01T12:00:00Z", "value": "19.99", "unique_id": "order-1", "properties": {…}}`.
/// `value` is a JSON number or a string of decimal digits, read exactly; `time` is RFC 3339
/// (or Unix seconds). Field errors name paths relative to the event, as ingest's do.
enum EventJSON {
    static func identifiers(_ reader: JSONObjectReader) throws(APIError) -> ProfileIdentifiers {
        ProfileIdentifiers(
            email: try reader.optionalString("email"), phone: try reader.optionalString("phone"),
            externalID: try reader.optionalString("external_id"))
    }

    static func event(_ value: JSONValue, path: String = "") throws(APIError) -> EventInput {
        let reader = try JSONObjectReader(value, path: path)
        let profile = try reader.optionalObject("profile")
        return EventInput(
            metric: try reader.string("metric"),
            profile: try profile.map { reader throws(APIError) in try Self.identifiers(reader) } ?? ProfileIdentifiers(),
            time: try reader.optionalDate("time"),
            value: try reader.optionalDecimal("value"),
            uniqueID: try reader.optionalString("unique_id"),
            properties: try reader.properties("properties"))
    }

    static func json(_ event: LoggedEvent) -> JSONValue {
        .object([
            "position": .uint(event.position),
            "account_id": .uint(event.accountID),
            "profile_id": .uint(event.profileID),
            "metric": .string(event.metric),
            "time": .date(event.time),
            "received_at": .date(event.receivedAt),
            "value": event.value.map { .number($0) } ?? .null,
            "unique_id": event.uniqueID.map { .string($0) } ?? .null,
            "properties": .object(event.properties),
            "derived_from": event.derivedFrom == 0 ? .null : .uint(event.derivedFrom),
        ])
    }

    static func statusName(_ status: EventOutcome.Status) -> String {
        switch status {
        case .stored: "stored"
        case .duplicate: "duplicate"
        case .rejected: "rejected"
        case .notCollected: "not_collected"
        }
    }

    static func json(_ outcome: EventOutcome, index: Int) -> JSONValue {
        var fields: [String: JSONValue] = [
            "index": .int(Int64(index)),
            "status": .string(Self.statusName(outcome.status)),
            "position": outcome.position == 0 ? .null : .uint(outcome.position),
            "profile_id": outcome.profileID == 0 ? .null : .uint(outcome.profileID),
        ]
        fields["errors"] = .array(Self.jsonErrors(outcome.errors).map { .object(["field": .string($0.field), "reason": .string($0.reason)]) })
        return .object(fields)
    }

    /// Ingest names fields as its messages do (`uniqueID`, `profile.externalID`); the JSON API
    /// names them as its bodies do (`unique_id`, `profile.external_id`). Property paths are the
    /// client's own keys and stay as they are.
    static func jsonErrors(_ errors: [FieldError]) -> [FieldError] {
        errors.map { error in
            var field = error.field
            if field == "uniqueID" {
                field = "unique_id"
            } else if field == "profile.externalID" || field == "identifiers.externalID" {
                field = field.replacingOccurrences(of: "externalID", with: "external_id")
            }
            return FieldError(field: field, reason: error.reason.replacingOccurrences(of: "externalID", with: "external_id"))
        }
    }

    static func json(_ profile: Profile) -> JSONValue {
        .object([
            "id": .uint(profile.id),
            "account_id": .uint(profile.accountID),
            "emails": .strings(profile.emails),
            "phones": .strings(profile.phones),
            "external_ids": .strings(profile.externalIDs),
            "properties": .object(profile.properties),
            "merged_profile_ids": .array(profile.mergedProfileIDs.map { .uint($0) }),
            "created_at": .date(profile.createdAt),
            "updated_at": .date(profile.updatedAt),
        ])
    }
}

/// Custom metrics in JSON: `{"name": "Big orders", "sources": [{"metric": "Placed Order",
/// "filters": [{"property": "value", "op": "greater_than", "operand": 100}]}],
/// "aggregation": {"type": "count"}}` (or `{"type": "value", "property": "total"}`).
enum CustomMetricJSON {
    static let operators: [(PropertyFilter.Operator, String)] = [
        (.equals, "equals"), (.notEquals, "not_equals"), (.contains, "contains"), (.notContains, "not_contains"),
        (.greaterThan, "greater_than"), (.lessThan, "less_than"), (.greaterOrEqual, "greater_or_equal"),
        (.lessOrEqual, "less_or_equal"), (.isSet, "is_set"), (.isNotSet, "is_not_set"),
    ]

    static func name(_ op: PropertyFilter.Operator) -> String { Self.operators.first { $0.0 == op }?.1 ?? "unknown" }

    static func request(_ reader: JSONObjectReader, accountID: UInt64) throws(APIError) -> CreateCustomMetricRequest {
        var sources: [CustomMetricSource] = []
        for (value, path) in try reader.array("sources") {
            let source = try JSONObjectReader(value, path: path)
            var filters: [PropertyFilter] = []
            for (filterValue, filterPath) in try source.array("filters") {
                let filter = try JSONObjectReader(filterValue, path: filterPath)
                let opName = try filter.string("op")
                guard let op = Self.operators.first(where: { $0.1 == opName })?.0 else {
                    throw APIError.invalidArgument(
                        field: filter.fieldPath("op"), reason: "must be one of " + Self.operators.map(\.1).joined(separator: ", "))
                }
                filters.append(PropertyFilter(property: try filter.string("property"), op: op, operand: filter.value("operand")))
            }
            sources.append(CustomMetricSource(metric: try source.string("metric"), filters: filters))
        }
        let aggregationReader = try reader.object("aggregation")
        let aggregation: CustomMetric.Aggregation
        switch try aggregationReader.string("type") {
        case "count": aggregation = .count
        case "value": aggregation = .value(property: try aggregationReader.optionalString("property"))
        default: throw APIError.invalidArgument(field: aggregationReader.fieldPath("type"), reason: "must be \"count\" or \"value\"")
        }
        return CreateCustomMetricRequest(accountID: accountID, name: try reader.string("name"), sources: sources, aggregation: aggregation)
    }

    static func json(_ metric: CustomMetric) -> JSONValue {
        let aggregation: JSONValue
        switch metric.aggregation {
        case .count: aggregation = .object(["type": .string("count")])
        case .value(let property): aggregation = .object(["type": .string("value"), "property": property.map { .string($0) } ?? .null])
        }
        return .object([
            "id": .uint(metric.id),
            "account_id": .uint(metric.accountID),
            "name": .string(metric.name),
            "sources": .array(metric.sources.map { source in
                .object([
                    "metric": .string(source.metric),
                    "filters": .array(source.filters.map { filter in
                        .object(["property": .string(filter.property), "op": .string(Self.name(filter.op)), "operand": filter.operand ?? .null])
                    }),
                ])
            }),
            "aggregation": aggregation,
            "created_at": .date(metric.createdAt),
        ])
    }
}
