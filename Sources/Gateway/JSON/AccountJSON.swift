import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantWire

/// Accounts in JSON.
enum AccountJSON {
    static func json(_ account: Account) -> JSONValue {
        .object([
            "id": .uint(account.id),
            "name": .string(account.name),
            "time_zone": .string(account.timeZone),
            "currency": .string(account.currency),
            "plan": .string(Self.planName(account.plan)),
            "customer_hub_active": .bool(account.customerHubActive),
            "attribution_windows": Self.json(account.attributionWindows),
            "sends_ordered_products": .bool(account.sendsOrderedProducts),
            "created_at": .date(account.createdAt),
            "updated_at": .date(account.updatedAt),
        ])
    }

    static func planName(_ plan: Plan) -> String {
        switch plan {
        case .email: "email"
        case .marketingAnalytics: "marketing_analytics"
        }
    }

    // Immutable: a constant array of key paths (key paths are not marked Sendable).
    nonisolated(unsafe) static let windowFields: [(name: String, path: WritableKeyPath<AttributionWindows, UInt32>)] = [
        ("email_click_seconds", \.emailClickSeconds), ("email_open_seconds", \.emailOpenSeconds),
        ("sms_click_seconds", \.smsClickSeconds), ("sms_open_seconds", \.smsOpenSeconds),
        ("sms_delivery_seconds", \.smsDeliverySeconds), ("push_open_seconds", \.pushOpenSeconds),
        ("active_on_site_seconds", \.activeOnSiteSeconds),
    ]

    static func json(_ windows: AttributionWindows) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: Self.windowFields.map { ($0.name, JSONValue.number(Decimal(windows[keyPath: $0.path]))) }))
    }

    /// Windows from JSON; fields left out keep `base`'s values.
    static func windows(_ reader: JSONObjectReader, base: AttributionWindows) throws(APIError) -> AttributionWindows {
        var windows = base
        for field in Self.windowFields {
            if let seconds = try reader.optionalInteger(field.name, in: 0...Int64(UInt32.max)) {
                windows[keyPath: field.path] = UInt32(seconds)
            }
        }
        return windows
    }

    static func plan(_ reader: JSONObjectReader) throws(APIError) -> Plan? {
        guard let name = try reader.optionalString("plan") else { return nil }
        switch name {
        case "email": return .email
        case "marketing_analytics": return .marketingAnalytics
        default: throw APIError.invalidArgument(field: reader.fieldPath("plan"), reason: "must be \"email\" or \"marketing_analytics\"")
        }
    }

    static func createRequest(_ reader: JSONObjectReader) throws(APIError) -> CreateAccountRequest {
        var request = CreateAccountRequest(name: try reader.string("name"))
        if let zone = try reader.optionalString("time_zone") { request.timeZone = zone }
        if let currency = try reader.optionalString("currency") { request.currency = currency }
        if let plan = try Self.plan(reader) { request.plan = plan }
        if let hub = try reader.optionalBool("customer_hub_active") { request.customerHubActive = hub }
        if let windows = try reader.optionalObject("attribution_windows") {
            request.attributionWindows = try Self.windows(windows, base: .defaults)
        }
        return request
    }

    static func updateRequest(_ reader: JSONObjectReader, account: Account) throws(APIError) -> UpdateAccountRequest {
        var request = UpdateAccountRequest(accountID: account.id)
        request.name = try reader.optionalString("name")
        request.timeZone = try reader.optionalString("time_zone")
        request.currency = try reader.optionalString("currency")
        request.plan = try Self.plan(reader)
        request.customerHubActive = try reader.optionalBool("customer_hub_active")
        if let windows = try reader.optionalObject("attribution_windows") {
            request.attributionWindows = try Self.windows(windows, base: account.attributionWindows)
        }
        return request
    }
}

/// API keys in JSON (never with a secret or its hash, except the one `secret` of a creation).
enum KeyJSON {
    static func json(_ key: KeyInfo) -> JSONValue {
        .object([
            "id": .string(key.id),
            "account_id": key.accountID.map { .uint($0) } ?? .null,
            "role": .string(key.role.name),
            "name": .string(key.name),
            "created_at": .date(key.createdAt),
            "last_used_at": .date(key.lastUsedAt),
            "revoked_at": .date(key.revokedAt),
        ])
    }

    static func json(_ created: CreatedKey) -> JSONValue {
        .object(["key": Self.json(created.key), "secret": .string(created.secret)])
    }
}
