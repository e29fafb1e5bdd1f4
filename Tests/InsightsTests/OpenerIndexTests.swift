import Foundation
import GRDB
import Insights
import SextantContracts
import SextantStore
import SextantWire
import Testing

/// Active accounts and total accounts come from derived structures (the in-memory opener index,
/// `hub_account_days`); these tests hold them to the plain definitions computed from the
/// store's own rows — distinct profiles over `hub_openers`, Hub account holders by first day —
/// through late events, merges (chains too), several accounts and a reopened store.
@Suite struct OpenerIndexTests {
    static func bruteForce(_ store: InsightsStore, account: Int64, first: Int, last: Int) async throws -> (active: Int64, total: Int64) {
        try await store.database.read { db in
            (
                try Int64.fetchOne(
                    db, sql: "SELECT count(DISTINCT profile_id) FROM hub_openers WHERE account_id = ? AND day BETWEEN ? AND ?",
                    arguments: [account, first, last])!,
                try Int64.fetchOne(db, sql: "SELECT count(*) FROM hub_accounts WHERE account_id = ? AND first_day <= ?", arguments: [account, last])!
            )
        }
    }

    @Test(arguments: [1, 2, 3])
    func randomLogsMatchTheDefinitions(seed: UInt64) async throws {
        let fixture = try StoreFixture()
        defer { fixture.remove() }
        var store = try fixture.open()
        var random = SplitMix(state: seed)
        func int(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        var log = LogBuilder()
        var entries = [log.account(1), log.account(2, timeZone: "America/New_York")]
        let base = instant("2026-01-01T12:00:00Z")
        // 60 days, 40 profiles per account: opens in random day order (late events), some
        // created accounts, and merges (including merges into profiles merged later).
        for _ in 0..<1_500 {
            let account = UInt64(1 + int(2))
            let profile = UInt64(1 + int(40))
            let at = base.addingTimeInterval(Double(int(60 * 86_400)))
            switch int(20) {
            case 0: entries.append(log.merge(account, merged: profile, into: UInt64(1 + int(40)), at: at))
            case 1, 2: entries.append(log.event(account, profile: profile, "Hub Created Account", at: at))
            default: entries.append(log.event(account, profile: profile, "Hub Opened", at: at))
            }
        }
        // Uneven batches, and a reopen half-way: the index is rebuilt from the database.
        var start = 0
        while start < entries.count {
            let size = 1 + int(120)
            try await store.apply(Array(entries[start..<min(entries.count, start + size)]))
            start += size
            if start > entries.count / 2, start - size <= entries.count / 2 {
                store = try fixture.open()
            }
        }
        let first = LocalDay(iso: "2026-01-01")!.number
        for account in [UInt64(1), 2] {
            for _ in 0..<60 {
                let a = first - 2 + int(64)
                let b = a + int(30)
                let expected = try await Self.bruteForce(store, account: Int64(account), first: a, last: b)
                let board = try await store.dashboard(
                    CustomerHubDashboardRequest(
                        accountID: account, firstDay: LocalDay(number: a).date, lastDay: LocalDay(number: b).date, comparison: .none),
                    now: instant("2026-06-01T00:00:00Z"), revenue: noRevenue)
                #expect(board.activeAccounts.value == expected.active, "account \(account), days \(a)…\(b)")
                #expect(board.totalAccounts == expected.total, "account \(account), by day \(b)")
            }
        }
        // And the same after one more reopen.
        let reopened = try fixture.open()
        let expected = try await Self.bruteForce(reopened, account: 1, first: first, last: first + 59)
        let board = try await reopened.dashboard(
            CustomerHubDashboardRequest(accountID: 1, firstDay: date(2026, 1, 1), lastDay: date(2026, 3, 1), comparison: .none),
            now: instant("2026-06-01T00:00:00Z"), revenue: noRevenue)
        #expect(board.activeAccounts.value == expected.active && expected.active > 0)
    }
}

/// A small seeded generator (SplitMix64), so a failing seed can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
