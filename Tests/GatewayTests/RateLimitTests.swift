import SextantRPC
import SextantWire
import NIOCore
import Ingest
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import SextantContracts
import Testing

@Suite struct RateLimitTests {
    /// 3 per second, 5 per minute.
    static let small = RateLimiter.Configuration.defaults { $0.burstLimit = 3; $0.steadyLimit = 5 }

    @Test func burstThenTooManyRequestsThenResetAfterTheWindow() async throws {
        let harness = try GatewayHarness(rateLimits: Self.small)
        let account = try await harness.account()
        let admin = try harness.key(.admin, account: account.id)
        let reader = try harness.key(.readOnly, account: account.id)
        let uri = "/api/v1/accounts/\(account.id)"
        try await harness.test { client in
            for expectedRemaining in [2, 1, 0] {
                let response = try await client.send(.get, uri, key: admin)
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitLimit] == "3")
                #expect(response.headers[.rateLimitRemaining] == "\(expectedRemaining)")
                #expect(response.headers[.rateLimitReset] == "1")
            }
            // Every key of the account shares its limits.
            let refused = try await client.send(.get, uri, key: reader)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.rateLimitRemaining] == "0")
            #expect(refused.headers[.rateLimitLimit] == "3")

            // A second later the burst window has room again; the minute window is now tighter.
            harness.clock.advance(.seconds(1))
            let next = try await client.send(.get, uri, key: admin)
            #expect(next.status == .ok)
            #expect(next.headers[.rateLimitLimit] == "5")
            #expect(next.headers[.rateLimitRemaining] == "1")
            #expect(next.headers[.rateLimitReset] == "59")
            #expect(try await client.send(.get, uri, key: admin).status == .ok)

            // The minute's five are used: refused until the minute window ends.
            harness.clock.advance(.seconds(1))
            let steady = try await client.send(.get, uri, key: admin)
            #expect(steady.status == .tooManyRequests)
            #expect(steady.headers[.rateLimitLimit] == "5")
            #expect(steady.headers[.retryAfter] == "58")

            harness.clock.advance(.seconds(58))
            let after = try await client.send(.get, uri, key: admin)
            #expect(after.status == .ok)
            #expect(after.headers[.rateLimitRemaining] == "2")
        }
    }

    @Test func accountsAndOperatorKeysHaveTheirOwnLimits() async throws {
        let harness = try GatewayHarness(rateLimits: Self.small)
        let one = try await harness.account("One")
        let two = try await harness.account("Two")
        let keyOne = try harness.key(.admin, account: one.id)
        let keyTwo = try harness.key(.admin, account: two.id)
        let operatorA = try harness.key(.operator, account: nil)
        let operatorB = try harness.key(.operator, account: nil)
        try await harness.test { client in
            for _ in 0..<3 { #expect(try await client.send(.get, "/api/v1/accounts/\(one.id)", key: keyOne).status == .ok) }
            #expect(try await client.send(.get, "/api/v1/accounts/\(one.id)", key: keyOne).status == .tooManyRequests)
            #expect(try await client.send(.get, "/api/v1/accounts/\(two.id)", key: keyTwo).status == .ok)
            for _ in 0..<3 { #expect(try await client.send(.get, "/api/v1/accounts", key: operatorA).status == .ok) }
            #expect(try await client.send(.get, "/api/v1/accounts", key: operatorA).status == .tooManyRequests)
            #expect(try await client.send(.get, "/api/v1/accounts", key: operatorB).status == .ok)
            // Open routes are not limited and carry no headers.
            let health = try await client.send(.get, "/api/v1/health")
            #expect(health.status == .ok && health.headers[.rateLimitLimit] == nil)
        }
    }

    @Test func stateDropsIdleClientsToStayBounded() {
        var state = RateLimitState(burst: .init(limit: 10, length: .seconds(1)), steady: .init(limit: 100, length: .seconds(60)), maximumClients: 100)
        for index in 0..<100 { _ = state.admit("client-\(index)", now: .seconds(0)) }
        #expect(state.trackedClients <= 100)
        // A minute later every earlier client is idle: the next sweep forgets them.
        _ = state.admit("late", now: .seconds(61))
        #expect(state.trackedClients == 1)
        // Even when all are active, the table never grows past its bound.
        for index in 0..<1_000 { _ = state.admit("busy-\(index)", now: .seconds(62)) }
        #expect(state.trackedClients <= 100)
    }

    @Test func refusedRequestsDoNotCount() {
        var state = RateLimitState(burst: .init(limit: 2, length: .seconds(1)), steady: .init(limit: 3, length: .seconds(60)), maximumClients: 10)
        #expect(state.admit("x", now: .zero).allowed)
        #expect(state.admit("x", now: .milliseconds(10)).allowed)
        for _ in 0..<10 { #expect(!state.admit("x", now: .milliseconds(20)).allowed) }
        let decision = state.admit("x", now: .milliseconds(1_000))
        #expect(decision.allowed)
        #expect(decision.remaining == 0 && decision.limit == 3)
        let refused = state.admit("x", now: .milliseconds(1_500))
        #expect(!refused.allowed && refused.retryAfterSeconds == 59)
    }
}
