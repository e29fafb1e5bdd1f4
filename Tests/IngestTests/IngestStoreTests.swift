import Foundation
import Ingest
import SextantContracts
import SextantRPC
import SextantStore
import SextantTesting
import SextantWire
import Testing

@Suite struct IngestStoreTests {
    @Test(arguments: StoreBackend.available) func accountsAreValidatedAndLogged(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        await #expect(throws: IngestError.invalid([FieldError(field: "timeZone", reason: "\"Mars/Olympus\" is not an IANA time zone")])) {
            _ = try await temp.store.createAccount(CreateAccountRequest(name: "Shop", timeZone: "Mars/Olympus"))
        }
        await #expect(throws: IngestError.self) {
            _ = try await temp.store.createAccount(CreateAccountRequest(name: "Shop", currency: "XYZW"))
        }
        let account = try await temp.account(CreateAccountRequest(name: "Shop", timeZone: "Europe/Berlin", currency: "eur"))
        #expect(account.currency == "EUR")
        #expect(account.attributionWindows == .defaults)
        let updated = try await temp.store.updateAccount(UpdateAccountRequest(accountID: account.id, customerHubActive: true))
        #expect(updated.customerHubActive)
        await #expect(try temp.store.account(account.id) == updated)
        let logged = try await temp.store.allEntries().map(\.1)
        #expect(logged == [.account(account), .account(updated)])
        await #expect(throws: IngestError.accountNotFound(99)) {
            _ = try await temp.store.track(TrackEventsRequest(accountID: 99, events: [.order(email: "a@example.com", id: "1")]))
        }
    }

    @Test(arguments: StoreBackend.available) func trackStoresEventsInOrderAndGetsThemBack(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let time = temp.clock.now.addingTimeInterval(-3_600)
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            EventInput(metric: "Viewed Product", profile: ProfileIdentifiers(email: "Ada@Example.com"), time: time, properties: ["product_id": "p1"]),
            .order(email: "ada@example.com", id: "1001", value: Decimal(string: "129.99")!, time: time),
            EventInput(metric: "Viewed Product", profile: ProfileIdentifiers(phone: "+15555550100"), properties: ["product_id": "p2"]),
        ]))
        #expect(response.outcomes.map(\.status) == [.stored, .stored, .stored])
        let positions = response.outcomes.map(\.position)
        #expect(positions == positions.sorted() && Set(positions).count == 3)
        #expect(response.outcomes[0].profileID == response.outcomes[1].profileID)
        #expect(response.outcomes[2].profileID != response.outcomes[0].profileID)
        #expect(response.head == positions[2])

        let order = try await temp.store.event(accountID: account.id, position: positions[1])
        #expect(order.metric == "Placed Order")
        #expect(order.value == Decimal(string: "129.99")!)
        #expect(order.time == time)
        #expect(order.uniqueID == "1001")
        #expect(order.properties == ["order_id": "1001"])
        #expect(order.profileID == response.outcomes[1].profileID)
        #expect(order.accountID == account.id)
        #expect(order.derivedFrom == 0)
        // The third event had no time: it gets the time of receipt.
        await #expect(try temp.store.event(accountID: account.id, position: positions[2]).time == temp.clock.now)
        // Another account cannot read it.
        let other = try await temp.account(CreateAccountRequest(name: "Other"))
        await #expect(throws: IngestError.eventNotFound(positions[1])) { try await temp.store.event(accountID: other.id, position: positions[1]) }
    }

    @Test(arguments: StoreBackend.available) func retriesAreAcknowledgedWithTheOriginalPosition(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let first = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "a@example.com", id: "1"), .order(email: "a@example.com", id: "1"),
        ]))
        #expect(first.outcomes.map(\.status) == [.stored, .duplicate])
        #expect(first.outcomes[1].position == first.outcomes[0].position)
        let retry = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        #expect(retry.outcomes.map(\.status) == [.duplicate])
        #expect(retry.outcomes[0].position == first.outcomes[0].position)
        // The same unique id for another profile or metric is another event.
        var otherMetric = EventInput.order(email: "a@example.com", id: "1")
        otherMetric.metric = "Fulfilled Order"
        let others = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "b@example.com", id: "1"), otherMetric,
        ]))
        #expect(others.outcomes.map(\.status) == [.stored, .stored])
        await #expect(try temp.store.events(accountID: account.id).count == 3)
    }

    @Test(arguments: StoreBackend.available) func withoutAUniqueIDTheSecondStandsIn(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let base = Date(timeIntervalSince1970: 1_793_530_000)
        func view(_ offset: TimeInterval) -> EventInput {
            EventInput(metric: "Active on Site", profile: ProfileIdentifiers(externalID: "c-1"), time: base.addingTimeInterval(offset))
        }
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [view(0.1), view(0.9), view(1.0)]))
        #expect(response.outcomes.map(\.status) == [.stored, .duplicate, .stored])
    }

    @Test(arguments: StoreBackend.available) func aBatchWithBadEventsStoresTheGoodOnes(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let before = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "0")]))
        var future = EventInput.order(email: "a@example.com", id: "2")
        future.time = temp.clock.now.addingTimeInterval(400 * 86_400)
        var negative = EventInput.order(email: "a@example.com", id: "4")
        negative.value = -5
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "a@example.com", id: "1"), future, .order(email: "bad email", id: "3"), negative,
            .order(email: "a@example.com", id: "5"),
        ]))
        #expect(response.outcomes.map(\.status) == [.stored, .rejected, .rejected, .rejected, .stored])
        #expect(response.outcomes[1].errors == [FieldError(field: "time", reason: "more than one year in the future")])
        #expect(response.outcomes[2].errors.map(\.field) == ["profile.email"])
        #expect(response.outcomes[3].errors.map(\.field) == ["value"])
        let stored = try await temp.store.events(accountID: account.id)
        #expect(stored.map(\.uniqueID) == ["0", "1", "5"])
        #expect(stored.first?.position == before.outcomes[0].position)
    }

    @Test(arguments: StoreBackend.available) func textEitherDatabaseCouldNotStoreIsRefusedByName(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        var nulMetric = EventInput.order(email: "a@example.com", id: "1")
        nulMetric.metric = "Placed\u{0}Order"
        var nulID = EventInput.order(email: "a@example.com", id: "2")
        nulID.uniqueID = "2\u{0}"
        let nulExternal = EventInput(metric: "Viewed Product", profile: ProfileIdentifiers(externalID: "x\u{0}y"))
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            nulMetric, nulID, nulExternal, .order(email: "a@example.com", id: "3"),
        ]))
        #expect(response.outcomes.map(\.status) == [.rejected, .rejected, .rejected, .stored])
        #expect(response.outcomes[0].errors == [FieldError(field: "metric", reason: "must not contain the NUL character (U+0000)")])
        #expect(response.outcomes[1].errors == [FieldError(field: "uniqueID", reason: "must not contain the NUL character (U+0000)")])
        #expect(response.outcomes[2].errors == [FieldError(field: "profile.externalID", reason: "must not contain the NUL character (U+0000)")])
        await #expect(throws: IngestError.invalid([FieldError(field: "name", reason: "must not contain the NUL character (U+0000)")])) {
            _ = try await temp.store.createCustomMetric(CreateCustomMetricRequest(
                accountID: account.id, name: "Re\u{0}venue", sources: [CustomMetricSource(metric: "Placed Order")], aggregation: .count))
        }
        // Canonically equivalent but different bytes: two unique ids, as both databases compare bytes.
        let accents = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "a@example.com", id: "caf\u{E9}"), .order(email: "a@example.com", id: "cafe\u{301}"),
        ]))
        #expect(accents.outcomes.map(\.status) == [.stored, .stored])
        // An account id neither database can hold names no account.
        await #expect(throws: IngestError.accountNotFound(UInt64.max)) {
            _ = try await temp.store.track(TrackEventsRequest(accountID: .max, events: [.order(email: "a@example.com", id: "4")]))
        }
        await #expect(throws: IngestError.accountNotFound(UInt64.max)) { _ = try await temp.store.account(.max) }
    }

    @Test(arguments: StoreBackend.available) func oversizedAndEmptyBatchesAreRefusedWhole(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let tooMany = (0...1_000).map { EventInput.order(email: "a@example.com", id: "\($0)") }
        await #expect(throws: IngestError.invalid([FieldError(field: "events", reason: "1001 events; at most 1000 per batch")])) {
            _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: tooMany))
        }
        await #expect(throws: IngestError.self) {
            _ = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: []))
        }
        let exactly = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: Array(tooMany.prefix(1_000))))
        #expect(exactly.stored == 1_000)
        await #expect(try temp.store.events(accountID: account.id).count == 1_000)
    }

    @Test(arguments: StoreBackend.available) func eventsNamingTwoProfilesMergeThem(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let byEmail = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        let phoneEvent = EventInput(metric: "Clicked SMS", profile: ProfileIdentifiers(phone: "+15555550100"), uniqueID: "sms-1")
        let byPhone = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [phoneEvent]))
        try await temp.store.upsertProfile(UpsertProfileRequest(
            accountID: account.id, identifiers: ProfileIdentifiers(phone: "+15555550100"), properties: ["city": "Oslo", "tier": "gold"]))
        try await temp.store.upsertProfile(UpsertProfileRequest(
            accountID: account.id, identifiers: ProfileIdentifiers(email: "a@example.com"), properties: ["tier": "silver"]))
        let emailProfile = byEmail.outcomes[0].profileID
        let phoneProfile = byPhone.outcomes[0].profileID
        #expect(emailProfile < phoneProfile)

        let linking = EventInput(
            metric: "Opened Email", profile: ProfileIdentifiers(email: "A@example.com", phone: "+15555550100", externalID: "c-9"), uniqueID: "o-1")
        let linked = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [linking]))
        #expect(linked.outcomes[0].profileID == emailProfile)

        // Later reads by either identifier, or the merged id, find the survivor with everything.
        for request in [
            GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(phone: "+15555550100")),
            GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(externalID: "c-9")),
            GetProfileRequest(accountID: account.id, profileID: phoneProfile),
        ] {
            let profile = try await temp.store.profile(request)
            #expect(profile.id == emailProfile)
            #expect(profile.emails == ["a@example.com"])
            #expect(profile.phones == ["+15555550100"])
            #expect(profile.externalIDs == ["c-9"])
            #expect(profile.properties == ["tier": "silver", "city": "Oslo"])
            #expect(profile.mergedProfileIDs == [phoneProfile])
        }
        // The merge is in the log, before the event that caused it.
        let entries = try await temp.store.allEntries(accountID: account.id)
        let mergeIndex = try #require(entries.firstIndex { if case .merge = $0.1 { true } else { false } })
        guard case .merge(let merge) = entries[mergeIndex].1 else { return }
        #expect(merge.survivor == emailProfile && merge.merged == phoneProfile)
        #expect(entries[mergeIndex].0.position < linked.outcomes[0].position)
        // A retry of the phone profile's event is still a duplicate: its key followed the survivor.
        let retry = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [phoneEvent]))
        #expect(retry.outcomes[0].status == .duplicate)
        #expect(retry.outcomes[0].position == byPhone.outcomes[0].position)
        #expect(retry.outcomes[0].profileID == emailProfile)
    }

    @Test(arguments: StoreBackend.available) func afterAMergeTheSurvivorsOwnEventAnswersItsRetries(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let bySurvivor = EventInput(metric: "Clicked Email", profile: ProfileIdentifiers(email: "s@example.com"), uniqueID: "k")
        let byMerged = EventInput(metric: "Clicked Email", profile: ProfileIdentifiers(phone: "+4712345678"), uniqueID: "k")
        let survivorProfile = try await temp.store.upsertProfile(UpsertProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(email: "s@example.com")))
        // The profile that will be merged away stores the key first, the survivor second.
        let first = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [byMerged]))
        let second = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [bySurvivor]))
        #expect(first.outcomes[0].position < second.outcomes[0].position)
        try await temp.store.upsertProfile(UpsertProfileRequest(
            accountID: account.id, identifiers: ProfileIdentifiers(email: "s@example.com", phone: "+4712345678")))
        let retry = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [bySurvivor, byMerged]))
        #expect(retry.outcomes.map(\.status) == [.duplicate, .duplicate])
        #expect(retry.outcomes.map(\.position) == [second.outcomes[0].position, second.outcomes[0].position])
        #expect(retry.outcomes.allSatisfy { $0.profileID == survivorProfile.id })
        // A key only the merged profile had still counts as the survivor's.
        let onlyMerged = EventInput(metric: "Opened Email", profile: ProfileIdentifiers(phone: "+4712345678"), uniqueID: "m")
        let before = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [onlyMerged]))
        #expect(before.outcomes[0].status == .stored)
        var viaSurvivor = onlyMerged
        viaSurvivor.profile = ProfileIdentifiers(email: "s@example.com")
        let again = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [viaSurvivor]))
        #expect(again.outcomes[0].status == .duplicate && again.outcomes[0].position == before.outcomes[0].position)
    }

    @Test(arguments: StoreBackend.available) func manyProfilesSharingATimeKeyAreEachTheirOwn(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        // No unique id and the same second: the time stands in, and each profile has its own event.
        let time = Date(timeIntervalSince1970: 1_793_530_000)
        let events = (0..<500).map { EventInput(metric: "Active on Site", profile: ProfileIdentifiers(externalID: "c\($0)"), time: time) }
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: events + events.prefix(10)))
        #expect(response.stored == 500 && response.duplicates == 10)
    }

    @Test(arguments: StoreBackend.available) func profilesAreUpsertedAndFound(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let created = try await temp.store.upsertProfile(UpsertProfileRequest(
            accountID: account.id, identifiers: ProfileIdentifiers(email: "z@example.com"), properties: ["a": 1, "b": "x"]))
        let updated = try await temp.store.upsertProfile(UpsertProfileRequest(
            accountID: account.id, identifiers: ProfileIdentifiers(email: "z@example.com"), properties: ["a": nil, "c": true]))
        #expect(updated.id == created.id)
        #expect(updated.properties == ["b": "x", "c": true])
        await #expect(throws: IngestError.self) {
            try await temp.store.profile(GetProfileRequest(accountID: account.id, identifiers: ProfileIdentifiers(email: "nobody@example.com")))
        }
        await #expect(throws: IngestError.self) {
            try await temp.store.profile(GetProfileRequest(accountID: account.id, profileID: 1, identifiers: ProfileIdentifiers(email: "z@example.com")))
        }
        // Profiles do not cross accounts.
        let other = try await temp.account(CreateAccountRequest(name: "Other"))
        await #expect(throws: IngestError.self) { try await temp.store.profile(GetProfileRequest(accountID: other.id, profileID: created.id)) }
    }

    @Test(arguments: StoreBackend.available) func placedOrdersYieldOrderedProducts(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let order = EventInput.order(email: "a@example.com", id: "1001", value: Decimal(string: "130")!, items: [
            EventInput.item("sku-1", quantity: 2, price: "49.99"), EventInput.item("sku-2", price: "30.02"), .object(["title": "no id"]),
        ])
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [order]))
        #expect(response.derivedEvents == 2)
        let products = try await temp.store.events(accountID: account.id).filter { $0.metric == "Ordered Product" }
        #expect(products.map(\.value) == [Decimal(string: "99.98")!, Decimal(string: "30.02")!])
        #expect(products.allSatisfy { $0.derivedFrom == response.outcomes[0].position && $0.profileID == response.outcomes[0].profileID })
        #expect(products.map { $0.properties["product_id"] } == ["sku-1", "sku-2"])
        // A retry of the order derives nothing again.
        let retry = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [order]))
        #expect(retry.derivedEvents == 0 && retry.outcomes[0].status == .duplicate)
        await #expect(try temp.store.events(accountID: account.id).count == 3)
    }

    @Test(arguments: StoreBackend.available) func clientsSendingTheirOwnOrderedProductsAreNotDoubleCounted(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let order = EventInput.order(email: "a@example.com", id: "7", items: [EventInput.item("sku-1", price: "5")])
        let own = EventInput(
            metric: "Ordered Product", profile: ProfileIdentifiers(email: "a@example.com"), value: 5, uniqueID: "7-1",
            properties: ["order_id": "7", "product_id": "sku-1"])
        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [order, own]))
        #expect(response.derivedEvents == 0)
        await #expect(try temp.store.account(account.id).sendsOrderedProducts)
        // From now on, orders of this account are not derived at all.
        let later = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "a@example.com", id: "8", items: [EventInput.item("sku-2", price: "5")]),
        ]))
        #expect(later.derivedEvents == 0)
        await #expect(try temp.store.events(accountID: account.id).filter { $0.metric == "Ordered Product" }.count == 1)
    }

    @Test(arguments: StoreBackend.available) func hubEventsAreNotCollectedWhileTheHubIsInactive(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let opened = EventInput(metric: "Hub Opened", profile: ProfileIdentifiers(email: "a@example.com"), uniqueID: "h1")
        let inactive = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [opened, .order(email: "a@example.com", id: "1")]))
        #expect(inactive.outcomes.map(\.status) == [.notCollected, .stored])
        #expect(inactive.outcomes[0].errors.first?.reason.contains("Customer Hub is inactive") == true)
        _ = try await temp.store.updateAccount(UpdateAccountRequest(accountID: account.id, customerHubActive: true))
        let active = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [opened]))
        #expect(active.outcomes.map(\.status) == [.stored])
        // Turning it off again keeps what was collected.
        _ = try await temp.store.updateAccount(UpdateAccountRequest(accountID: account.id, customerHubActive: false))
        await #expect(try temp.store.events(accountID: account.id).map(\.metric) == ["Placed Order", "Hub Opened"])
    }

    @Test(arguments: StoreBackend.available) func customMetricLimitsFollowThePlan(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        func create(_ name: String) -> CreateCustomMetricRequest {
            CreateCustomMetricRequest(
                accountID: account.id, name: name,
                sources: [CustomMetricSource(metric: "Placed Order", filters: [PropertyFilter(property: "source", op: .notEquals, operand: "pos")])],
                aggregation: .value(property: nil))
        }
        // Five concurrent creations on the email plan: exactly one passes the limit of 1.
        let results = await withTaskGroup(of: Result<CustomMetric, any Error>.self) { group in
            for index in 0..<5 {
                group.addTask { do { return .success(try await temp.store.createCustomMetric(create("m\(index)"))) } catch { return .failure(error) } }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count { if case .success = $0 { true } else { false } } == 1)
        let refusal = try #require(results.compactMap { if case .failure(let error) = $0 { error as? IngestError } else { nil } }.first)
        #expect(refusal == .customMetricLimit(accountID: account.id, limit: 1))
        #expect(refusal.description.contains("may define 1 custom metric") && refusal.description.contains("Marketing Analytics add-on allows 50"))
        #expect(refusal.rpcError.code == .resourceExhausted)

        _ = try await temp.store.updateAccount(UpdateAccountRequest(accountID: account.id, plan: .marketingAnalytics))
        for index in 1..<50 { _ = try await temp.store.createCustomMetric(create("ma\(index)")) }
        await #expect(throws: IngestError.customMetricLimit(accountID: account.id, limit: 50)) {
            _ = try await temp.store.createCustomMetric(create("one too many"))
        }
        let list = try await temp.store.customMetrics(accountID: account.id)
        #expect(list.metrics.count == 50 && list.limit == 50)
        await #expect(throws: IngestError.self) {
            _ = try await temp.store.createCustomMetric(CreateCustomMetricRequest(accountID: account.id, name: "", sources: [], aggregation: .count))
        }
        // Definitions are log entries too, and the refused creations left no gaps in the log.
        await #expect(try temp.store.allEntries(accountID: account.id).count { if case .customMetric = $0.1 { true } else { false } } == 50)
        let positions = try await temp.store.allEntries().map(\.0.position)
        #expect(positions == Array(1...UInt64(positions.count)))
        let after = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        #expect(after.outcomes[0].position == UInt64(positions.count) + 1)
    }

    @Test(arguments: StoreBackend.available) func theLogSurvivesReopeningAndPositionsContinue(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend)
        let account = try await temp.account()
        let first = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: [.order(email: "a@example.com", id: "1")]))
        let reopened = try await temp.reopen()
        await #expect(try reopened.head() == first.head)
        let retry = try await reopened.track(TrackEventsRequest(accountID: account.id, events: [
            .order(email: "a@example.com", id: "1"), .order(email: "a@example.com", id: "2"),
        ]))
        #expect(retry.outcomes.map(\.status) == [.duplicate, .stored])
        #expect(retry.outcomes[1].position == first.head + 1)
        #expect(retry.outcomes[1].profileID == first.outcomes[0].profileID)
    }

    @Test(arguments: StoreBackend.available) func concurrentBatchesShareCommitsAndAllLand(_ backend: StoreBackend) async throws {
        let temp = try await TemporaryStore(backend, durability: .full)
        let account = try await temp.account()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for batch in 0..<5 {
                        let events = (0..<50).map { EventInput.order(email: "w\(writer)-\($0 % 7)@example.com", id: "\(writer)-\(batch)-\($0)") }
                        let response = try await temp.store.track(TrackEventsRequest(accountID: account.id, events: events))
                        #expect(response.stored == 50)
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await temp.store.events(accountID: account.id)
        #expect(events.count == 2_000)
        #expect(Set(events.map(\.position)).count == 2_000)
        #expect(Set(events.map(\.profileID)).count == 56)
    }
}
