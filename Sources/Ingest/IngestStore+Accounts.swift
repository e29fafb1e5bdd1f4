public import Foundation
public import SextantContracts
import SextantWire

extension IngestStore {
    /// Creates an account and logs it.
    public func createAccount(_ request: CreateAccountRequest) async throws -> Account {
        let windows = request.attributionWindows ?? .defaults
        let problems = AccountValidator.problems(
            name: request.name, timeZone: request.timeZone, currency: request.currency, windows: windows)
        guard problems.isEmpty else { throw IngestError.invalid(problems) }
        let now = self.clock()
        return try await self.backend.write(hint: .none) { transaction in
            let id = try transaction.nextAccountID()
            let account = Account(
                id: id, name: request.name, timeZone: request.timeZone, currency: request.currency.uppercased(),
                plan: request.plan, customerHubActive: request.customerHubActive, attributionWindows: windows,
                sendsOrderedProducts: false, createdAt: now, updatedAt: now)
            try transaction.saveAccount(account, isNew: true)
            return account
        }
    }

    /// Changes an account's settings and logs the new version.
    public func updateAccount(_ request: UpdateAccountRequest) async throws -> Account {
        let problems = AccountValidator.problems(
            name: request.name, timeZone: request.timeZone, currency: request.currency, windows: request.attributionWindows)
        guard problems.isEmpty else { throw IngestError.invalid(problems) }
        try Self.checkStorable(request.accountID)
        let now = self.clock()
        return try await self.backend.write(hint: .none) { transaction in
            var account = try transaction.account(request.accountID)
            if let name = request.name { account.name = name }
            if let timeZone = request.timeZone { account.timeZone = timeZone }
            if let currency = request.currency { account.currency = currency.uppercased() }
            if let plan = request.plan { account.plan = plan }
            if let active = request.customerHubActive { account.customerHubActive = active }
            if let windows = request.attributionWindows { account.attributionWindows = windows }
            account.updatedAt = now
            try transaction.saveAccount(account, isNew: false)
            return account
        }
    }

    /// One account.
    public func account(_ id: UInt64) async throws -> Account {
        try Self.checkStorable(id)
        guard let body = try await self.backend.accountBodies(id: id).first else { throw IngestError.accountNotFound(id) }
        return try WireDecoder().decode(Account.self, from: body)
    }

    /// Every account, in id order.
    public func accounts() async throws -> [Account] {
        let decoder = WireDecoder()
        return try await self.backend.accountBodies(id: nil).map { try decoder.decode(Account.self, from: $0) }
    }
}

/// Checks account settings.
enum AccountValidator {
    static func problems(name: String?, timeZone: String?, currency: String?, windows: AttributionWindows?) -> [FieldError] {
        var errors: [FieldError] = []
        if let name {
            if name.trimmingCharacters(in: .whitespaces).isEmpty {
                errors.append(FieldError(field: "name", reason: "must not be empty"))
            } else if name.count > 200 {
                errors.append(FieldError(field: "name", reason: "longer than 200 characters"))
            }
        }
        if let timeZone, TimeZone(identifier: timeZone) == nil || timeZone.isEmpty {
            errors.append(FieldError(field: "timeZone", reason: "\"\(timeZone)\" is not an IANA time zone"))
        }
        if let currency {
            let code = currency.uppercased()
            let known = Locale.commonISOCurrencyCodes
            if code.count != 3 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) || (!known.isEmpty && !known.contains(code)) {
                errors.append(FieldError(field: "currency", reason: "\"\(currency)\" is not an ISO 4217 currency code"))
            }
        }
        if let windows {
            for (name, seconds) in windows.named where seconds == 0 || seconds > AttributionWindows.maximumSeconds {
                errors.append(FieldError(field: "attributionWindows.\(name)", reason: "must be 1 second to 90 days"))
            }
        }
        return errors
    }
}
