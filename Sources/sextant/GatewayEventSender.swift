import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SextantContracts
import SextantWire

/// Sends event batches through the gateway's HTTP API (`POST /api/v1/accounts/{id}/events/batch`)
/// with an API key: how `sextant import --api` reaches a suite whose only published ports are the
/// gateway's (docker-compose). One request at a time; a request the rate limit refuses (429) is
/// sent again after its `Retry-After`.
struct GatewayEventSender: Sendable {
    let base: String
    let key: String
    let accountID: UInt64

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `base`: the gateway's address, `http://host:port` (with or without `/api/v1`).
    init(base: String, key: String, accountID: UInt64) throws {
        var base = base.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/api/v1") { base.removeLast("/api/v1".count) }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw Failure(description: "--api must be the gateway's address, like http://127.0.0.1:8080, not \"\(base)\"")
        }
        guard key.hasPrefix("sxt_") else { throw Failure(description: "--key must be an API key (sxt_…)") }
        self.base = base
        self.key = key
        self.accountID = accountID
    }

    /// Sends `events`; answers one outcome per event, in order, as ingest's `TrackEvents` does.
    func send(_ events: [EventInput]) async throws -> TrackEventsResponse {
        let body = try JSONEncoder().encode(JSONValue.object(["events": .array(events.map(Self.json))]))
        var request = URLRequest(url: URL(string: "\(self.base)/api/v1/accounts/\(self.accountID)/events/batch")!)
        request.httpMethod = "POST"
        request.timeoutInterval = 60
        request.setValue("Bearer \(self.key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        for _ in 0..<20 {
            let (data, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            switch status {
            case 200:
                return try Self.response(json, count: events.count)
            case 429:
                let wait = Double((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Retry-After") ?? "") ?? 1
                try await Task.sleep(for: .milliseconds(Int(max(0.1, min(wait, 60)) * 1_000)))
            default:
                let error = json["error"] as? [String: Any]
                let message = error?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
                throw Failure(description: "the gateway answered \(status) \(error?["code"] as? String ?? ""): \(message)")
            }
        }
        throw Failure(description: "the gateway's rate limit refused the batch 20 times in a row")
    }

    /// An event in the gateway's JSON (proto-spec/gateway.md §7). Times keep their fraction of a
    /// second; the value is decimal text, so it stays exact.
    static func json(_ event: EventInput) -> JSONValue {
        var profile: [String: JSONValue] = [:]
        if let email = event.profile.email { profile["email"] = .string(email) }
        if let phone = event.profile.phone { profile["phone"] = .string(phone) }
        if let external = event.profile.externalID { profile["external_id"] = .string(external) }
        var fields: [String: JSONValue] = ["metric": .string(event.metric), "profile": .object(profile), "properties": .object(event.properties)]
        if let time = event.time { fields["time"] = .string(Self.timeText(time)) }
        if let value = event.value { fields["value"] = .string(DecimalText.format(value)) }
        if let unique = event.uniqueID { fields["unique_id"] = .string(unique) }
        return .object(fields)
    }

    static func timeText(_ time: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: time)
    }

    /// The batch answer's outcomes as ingest's response.
    static func response(_ json: [String: Any], count: Int) throws -> TrackEventsResponse {
        guard let outcomes = json["outcomes"] as? [[String: Any]], outcomes.count == count else {
            throw Failure(description: "the gateway's answer has no outcome per event")
        }
        var response = TrackEventsResponse(outcomes: [], derivedEvents: UInt32(json["derived_events"] as? Int ?? 0), head: UInt64(json["head"] as? Int ?? 0))
        for outcome in outcomes {
            let status: EventOutcome.Status = switch outcome["status"] as? String {
            case "stored": .stored
            case "duplicate": .duplicate
            case "not_collected": .notCollected
            default: .rejected
            }
            let errors = ((outcome["errors"] as? [[String: Any]]) ?? []).map {
                FieldError(field: $0["field"] as? String ?? "", reason: $0["reason"] as? String ?? "")
            }
            response.outcomes.append(EventOutcome(
                status: status, position: UInt64(outcome["position"] as? Int ?? 0), profileID: UInt64(outcome["profile_id"] as? Int ?? 0),
                errors: errors))
        }
        return response
    }
}
