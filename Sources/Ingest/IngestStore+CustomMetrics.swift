public import Foundation
public import SextantContracts
import SextantWire

extension IngestStore {
    /// Defines a custom metric, refused past the account's limit. The count and the insert happen
    /// in one writer job, so two concurrent creations cannot both pass the limit.
    ///
    /// - Parameter limit: the account's limit as billing-service's entitlements give it; nil: the
    ///   limit of the plan recorded on the account (``CustomMetricLimit``), for ingest on its own.
    public func createCustomMetric(_ request: CreateCustomMetricRequest, limit entitledLimit: Int? = nil) async throws -> CustomMetric {
        let problems = CustomMetricValidator.problems(in: request)
        guard problems.isEmpty else { throw IngestError.invalid(problems) }
        try Self.checkStorable(request.accountID)
        let now = self.clock()
        return try await self.backend.write(hint: .none) { transaction in
            let account = try transaction.account(request.accountID)
            let existing = try transaction.customMetricNames(accountID: account.id)
            let limit = entitledLimit ?? CustomMetricLimit.limit(for: account.plan)
            guard existing.count < limit else {
                throw IngestError.customMetricLimit(accountID: account.id, limit: limit)
            }
            guard !existing.contains(request.name) else { throw IngestError.customMetricExists(request.name) }
            let metric = CustomMetric(
                id: try transaction.nextCustomMetricID(), accountID: account.id, name: request.name, sources: request.sources,
                aggregation: request.aggregation, createdAt: now)
            let body = try WireEncoder().encode(metric)
            try transaction.insertCustomMetric(metric, body: body)
            _ = try transaction.appendLog(accountID: account.id, kind: .customMetric, body: body)
            return metric
        }
    }

    /// The account's custom metrics and its limit (`limit`, from billing-service, or the plan's).
    public func customMetrics(accountID: UInt64, limit entitledLimit: Int? = nil) async throws -> CustomMetricList {
        let account = try await self.account(accountID)
        let decoder = WireDecoder()
        let metrics = try await self.backend.customMetricBodies(accountID: accountID).map { try decoder.decode(CustomMetric.self, from: $0) }
        return CustomMetricList(metrics: metrics, limit: UInt32(entitledLimit ?? CustomMetricLimit.limit(for: account.plan)))
    }
}

enum CustomMetricValidator {
    static func problems(in request: CreateCustomMetricRequest) -> [FieldError] {
        var errors: [FieldError] = []
        let name = request.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > IngestLimits.metricNameLength {
            errors.append(FieldError(field: "name", reason: "must be 1 to \(IngestLimits.metricNameLength) characters"))
        } else if TextLimit.hasNUL(request.name) {
            errors.append(FieldError(field: "name", reason: TextLimit.nulReason))
        }
        if request.sources.isEmpty || request.sources.count > 20 {
            errors.append(FieldError(field: "sources", reason: "needs 1 to 20 base metrics"))
        }
        for (index, source) in request.sources.enumerated() {
            if source.metric.isEmpty || source.metric.count > IngestLimits.metricNameLength {
                errors.append(FieldError(field: "sources[\(index)].metric", reason: "must be 1 to \(IngestLimits.metricNameLength) characters"))
            }
            if source.filters.count > 20 {
                errors.append(FieldError(field: "sources[\(index)].filters", reason: "at most 20 filters"))
            }
            for (filterIndex, filter) in source.filters.enumerated() {
                let field = "sources[\(index)].filters[\(filterIndex)]"
                if filter.property.isEmpty {
                    errors.append(FieldError(field: "\(field).property", reason: "must not be empty"))
                }
                let needsOperand = filter.op != .isSet && filter.op != .isNotSet
                if needsOperand, filter.operand == nil {
                    errors.append(FieldError(field: "\(field).operand", reason: "\(filter.op) needs an operand"))
                }
                if [.greaterThan, .lessThan, .greaterOrEqual, .lessOrEqual].contains(filter.op) {
                    if case .number? = filter.operand {} else if needsOperand {
                        errors.append(FieldError(field: "\(field).operand", reason: "\(filter.op) compares numbers; give a number"))
                    }
                }
            }
        }
        if case .value(let property?) = request.aggregation, property.isEmpty {
            errors.append(FieldError(field: "aggregation.property", reason: "must not be empty (leave it out to use the event value)"))
        }
        return errors
    }
}
