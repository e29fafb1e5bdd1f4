public import Foundation
import GRDB
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
        let now = self.clock()
        return try await self.write { db, memory in
            let account = try db.account(request.accountID)
            let existing = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM custom_metric WHERE account_id = ?", arguments: [Int64(account.id)]) ?? 0
            let limit = entitledLimit ?? CustomMetricLimit.limit(for: account.plan)
            guard existing < limit else {
                throw IngestError.customMetricLimit(accountID: account.id, limit: limit)
            }
            let taken = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM custom_metric WHERE account_id = ? AND name = ?", arguments: [Int64(account.id), request.name]) ?? false
            guard !taken else { throw IngestError.customMetricExists(request.name) }
            let id = UInt64(try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM custom_metric") ?? 1)
            let metric = CustomMetric(
                id: id, accountID: account.id, name: request.name, sources: request.sources,
                aggregation: request.aggregation, createdAt: now)
            let body = try WireEncoder().encode(metric)
            try db.execute(
                sql: "INSERT INTO custom_metric (id, account_id, name, body) VALUES (?, ?, ?, ?)",
                arguments: [Int64(id), Int64(account.id), request.name, Data(body)])
            try db.appendLog(memory, accountID: account.id, kind: .customMetric, body: body)
            return metric
        }
    }

    /// The account's custom metrics and its limit (`limit`, from billing-service, or the plan's).
    public func customMetrics(accountID: UInt64, limit entitledLimit: Int? = nil) throws -> CustomMetricList {
        try self.database.read { db in
            let account = try db.account(accountID)
            let decoder = WireDecoder()
            let metrics = try Data.fetchAll(
                db, sql: "SELECT body FROM custom_metric WHERE account_id = ? ORDER BY id", arguments: [Int64(accountID)]
            ).map { try decoder.decode(CustomMetric.self, from: $0) }
            return CustomMetricList(metrics: metrics, limit: UInt32(entitledLimit ?? CustomMetricLimit.limit(for: account.plan)))
        }
    }
}

enum CustomMetricValidator {
    static func problems(in request: CreateCustomMetricRequest) -> [FieldError] {
        var errors: [FieldError] = []
        let name = request.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > IngestLimits.metricNameLength {
            errors.append(FieldError(field: "name", reason: "must be 1 to \(IngestLimits.metricNameLength) characters"))
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
