import Logging
import HTTPTypes
import Foundation
import SextantContracts
import SextantRPC
import SextantWire

extension GatewayAPI {
    /// One event: 201 when stored, 200 for a duplicate (with the original's position) or an
    /// event the account does not collect, 400 `invalid_argument` with field paths when rejected.
    func trackEvent(_ call: RouteCall) async throws -> APIResponse {
        let event = try EventJSON.event(try await call.json())
        let response = try await self.track(TrackEventsRequest(accountID: call.accountID, events: [event]))
        guard let outcome = response.outcomes.first else { throw APIError.internal }
        switch outcome.status {
        case .rejected: throw APIError.invalidArgument(EventJSON.jsonErrors(outcome.errors))
        case .stored: return APIResponse(.created, EventJSON.json(outcome, index: 0))
        default: return APIResponse(.ok, EventJSON.json(outcome, index: 0))
        }
    }

    /// A batch: always 200 once ingest has answered, with one outcome per event in request
    /// order. Events the gateway cannot read (a bad time, a value that is not a number) are
    /// rejected here with their field paths and the rest are sent; ingest's own per-event
    /// rejections come back the same way.
    func trackEventBatch(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        let elements = try reader.array("events")
        let limit = self.configuration.maximumBatchEvents
        guard elements.count <= limit else {
            throw APIError.payloadTooLarge("the batch has \(elements.count) events; at most \(limit) are accepted")
        }
        guard !elements.isEmpty else { throw APIError.invalidArgument(field: "events", reason: "must hold 1 to \(limit) events") }

        var outcomes = [EventOutcome?](repeating: nil, count: elements.count)
        var events: [EventInput] = []
        var sentIndices: [Int] = []
        for (index, element) in elements.enumerated() {
            do {
                events.append(try EventJSON.event(element.value))
                sentIndices.append(index)
            } catch {
                outcomes[index] = EventOutcome(status: .rejected, errors: error.details)
            }
        }
        var derived: UInt32 = 0
        var head: UInt64?
        if !events.isEmpty {
            let response = try await self.track(TrackEventsRequest(accountID: call.accountID, events: events))
            guard response.outcomes.count == events.count else { throw APIError.internal }
            for (offset, outcome) in response.outcomes.enumerated() { outcomes[sentIndices[offset]] = outcome }
            derived = response.derivedEvents
            head = response.head
        }
        let all = outcomes.map { $0 ?? EventOutcome(status: .rejected) }
        func count(_ status: EventOutcome.Status) -> JSONValue { .int(Int64(all.count { $0.status == status })) }
        return APIResponse(.ok, .object([
            "stored": count(.stored),
            "duplicates": count(.duplicate),
            "rejected": count(.rejected),
            "not_collected": count(.notCollected),
            "derived_events": .uint(UInt64(derived)),
            "head": head.map { .uint($0) } ?? .null,
            "outcomes": .array(all.enumerated().map { EventJSON.json($0.element, index: $0.offset) }),
        ]))
    }

    /// TrackEvents, with a message that is too large for ingest reported as 413.
    private func track(_ request: TrackEventsRequest) async throws(APIError) -> TrackEventsResponse {
        do {
            return try await self.backends.ingest.call(IngestService.trackEvents, request, notFound: .accountNotFound)
        } catch where error.code == .limitExceeded {
            throw APIError.payloadTooLarge("ingest-service refused the batch as too large: \(error.message)")
        }
    }

    func getEvent(_ call: RouteCall) async throws -> APIResponse {
        let position = try call.positiveIntegerParameter("position")
        let event = try await self.backends.ingest.call(IngestService.getEvent, GetEventRequest(accountID: call.accountID, position: position))
        return APIResponse(.ok, EventJSON.json(event))
    }
}

extension GatewayAPI {
    /// `{"identifiers": {"email": …}, "properties": {…}}`; a `null` property removes it.
    func upsertProfile(_ call: RouteCall) async throws -> APIResponse {
        let reader = try await call.object()
        let identifiers = try EventJSON.identifiers(try reader.object("identifiers"))
        guard !identifiers.isEmpty else {
            throw APIError.invalidArgument(field: "identifiers", reason: "must name at least one of email, phone, external_id")
        }
        // Kept as sent, nulls included: a null removes the property.
        var properties: [String: JSONValue] = [:]
        if let value = reader.fields["properties"], value != .null {
            guard case .object(let fields) = value else { throw APIError.invalidArgument(field: "properties", reason: "must be a JSON object") }
            properties = fields
        }
        let profile = try await self.backends.ingest.call(
            IngestService.upsertProfile, UpsertProfileRequest(accountID: call.accountID, identifiers: identifiers, properties: properties))
        return APIResponse(.ok, EventJSON.json(profile))
    }

    func getProfile(_ call: RouteCall) async throws -> APIResponse {
        let id = try call.positiveIntegerParameter("profileID")
        let profile = try await self.backends.ingest.call(IngestService.getProfile, GetProfileRequest(accountID: call.accountID, profileID: id))
        return APIResponse(.ok, EventJSON.json(profile))
    }

    func findProfile(_ call: RouteCall) async throws -> APIResponse {
        let identifiers = ProfileIdentifiers(email: call.query("email"), phone: call.query("phone"), externalID: call.query("external_id"))
        let given = [identifiers.email, identifiers.phone, identifiers.externalID].count { $0 != nil }
        guard given == 1 else {
            throw APIError.invalidArgument(field: "query", reason: "must give exactly one of email, phone, external_id")
        }
        let profile = try await self.backends.ingest.call(
            IngestService.getProfile, GetProfileRequest(accountID: call.accountID, identifiers: identifiers))
        return APIResponse(.ok, EventJSON.json(profile))
    }

    func createCustomMetric(_ call: RouteCall) async throws -> APIResponse {
        let request = try CustomMetricJSON.request(try await call.object(), accountID: call.accountID)
        let metric = try await self.backends.ingest.call(IngestService.createCustomMetric, request)
        return APIResponse(.created, CustomMetricJSON.json(metric))
    }

    func listCustomMetrics(_ call: RouteCall) async throws -> APIResponse {
        let list = try await self.backends.ingest.call(IngestService.listCustomMetrics, AccountRef(accountID: call.accountID), notFound: .accountNotFound)
        return APIResponse(.ok, .object(["metrics": .array(list.metrics.map(CustomMetricJSON.json)), "limit": .uint(UInt64(list.limit))]))
    }
}
