import Foundation
import SextantContracts
import SextantDemo
import SextantWire
import Testing

@Suite struct CSVParserTests {
    func parse(_ text: String, chunk: Int = 3) throws -> [CSVParser.Record] {
        var parser = CSVParser()
        var records: [CSVParser.Record] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            records += try parser.feed(bytes[i..<min(bytes.count, i + chunk)])
            i += chunk
        }
        return records + (try parser.finish())
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let records = try self.parse("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\nlast,,\n")
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x, y", "say \"hi\"", "two\nlines"], ["last", "", ""]])
        #expect(records.map(\.line) == [1, 2, 4])
        #expect(records[1].lastLine == 3)
    }

    @Test func noFinalNewlineAndByteOrderMark() throws {
        let records = try self.parse("\u{FEFF}h1,h2\n1,2", chunk: 1)
        #expect(records.map(\.fields) == [["h1", "h2"], ["1", "2"]])
    }

    @Test func unclosedQuoteIsReportedAtItsRecord() {
        #expect(throws: ImportProblem(line: 2, field: "csv", reason: "a quoted field is not closed before the end of the file")) {
            _ = try self.parse("a\n\"open\nmore\n")
        }
    }

    @Test func characterAfterClosingQuote() {
        #expect(throws: ImportProblem.self) { _ = try self.parse("a,b\n\"x\"y,1\n") }
    }
}

@Suite struct ImportParserTests {
    func items(_ text: String, format: ImportFormat = .csv, resumeAfter: Int = 0) throws -> [ImportItem] {
        var parser = ImportParser(format: format, fingerprint: "f00d", resumeAfter: resumeAfter)
        let bytes = Array(text.utf8)
        var items: [ImportItem] = []
        for start in stride(from: 0, to: bytes.count, by: 7) { items += try parser.feed(bytes[start..<min(bytes.count, start + 7)]) }
        return items + (try parser.finish())
    }

    func events(_ items: [ImportItem]) -> [ImportedEvent] { items.compactMap { if case .event(let e) = $0 { e } else { nil } } }
    func problems(_ items: [ImportItem]) -> [ImportProblem] { items.compactMap { if case .problem(let p) = $0 { p } else { nil } } }

    @Test func eventRows() throws {
        let csv = """
            metric,email,time,value,unique_id,properties.campaign,properties.size:number,properties.gift:bool,properties.tags:json
            Placed Order,ada@example.com,2026-03-01T12:00:00Z,129.99,o-1,"Spring, 2026",42,yes,"[""a"",""b""]"
            Viewed Product,bob@example.com,1767225600,,,,,,

            Active on Site,,2026-03-02 08:30:00,,,,,,
            """
        let items = try self.items(csv)
        let events = self.events(items)
        #expect(self.problems(items).isEmpty)
        #expect(events.count == 3)
        let order = events[0].event
        #expect(order.metric == "Placed Order" && order.profile.email == "ada@example.com")
        #expect(order.time == Date(timeIntervalSince1970: 1_772_366_400))
        #expect(order.value == Decimal(string: "129.99"))
        #expect(order.uniqueID == "o-1")
        #expect(order.properties == ["campaign": "Spring, 2026", "size": 42, "gift": true, "tags": ["a", "b"]])
        #expect(events[1].event.uniqueID == "import-f00d-3")
        #expect(events[1].event.time == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(events[1].event.properties.isEmpty && events[1].event.value == nil)
        #expect(events[2].line == 5)
        #expect(events[2].event.time == Date(timeIntervalSince1970: 1_772_440_200))
    }

    @Test func badNumbersAndDatesNameTheirLines() throws {
        let csv = """
            metric,email,time,value,properties.n:number
            A,a@example.com,yesterday,1,
            B,b@example.com,2026-01-01,12.345.6,
            C,c@example.com,,"1,50",x
            D,d@example.com
            """
        let problems = self.problems(try self.items(csv))
        #expect(problems.map(\.line) == [2, 3, 4, 4, 5])
        #expect(problems.map(\.field) == ["time", "value", "value", "properties.n:number", "csv"])
        #expect(problems[0].formatted(file: "in.csv").hasPrefix("in.csv:2: time: \"yesterday\" is not a time"))
    }

    @Test func badHeaders() {
        #expect(throws: ImportProblem.self) { _ = try self.items("email,time\nx@example.com,1\n") }
        #expect(throws: ImportProblem.self) { _ = try self.items("metric,colour\nA,red\n") }
        #expect(throws: ImportProblem.self) { _ = try self.items("metric,email,EMAIL\n") }
    }

    @Test func ordersAreGroupedIntoPlacedOrders() throws {
        let csv = """
            order_id,email,time,product_id,product_name,price,quantity,properties.source
            1001,ada@example.com,2026-03-01T12:00:00Z,SKU-1,"Mug, blue",12.50,2,web
            1001,,,SKU-2,Beans,9.99,,
            1002,bob@example.com,2026-03-02T12:00:00Z,SKU-1,Mug,12.50,1,pos
            1003,bob@example.com,2026-03-03T12:00:00Z,SKU-9,Bad,abc,1,
            1001,ada@example.com,2026-03-04T12:00:00Z,SKU-3,Late,1,1,
            """
        let items = try self.items(csv)
        let events = self.events(items)
        #expect(events.count == 2)
        let first = events[0]
        #expect(first.line == 2 && first.lastLine == 3)
        #expect(first.event.metric == "Placed Order" && first.event.uniqueID == "1001")
        #expect(first.event.value == Decimal(string: "34.99"))
        #expect(first.event.properties["order_id"] == "1001")
        #expect(first.event.properties["source"] == "web")
        #expect(first.event.properties["item_count"] == 3)
        #expect(
            first.event.properties["items"]
                == [
                    ["product_id": "SKU-1", "product_name": "Mug, blue", "price": .number(Decimal(string: "12.50")!), "quantity": 2],
                    ["product_id": "SKU-2", "product_name": "Beans", "price": .number(Decimal(string: "9.99")!), "quantity": 1],
                ])
        #expect(events[1].event.uniqueID == "1002" && events[1].event.value == Decimal(string: "12.5"))
        let problems = self.problems(items)
        #expect(problems.map(\.line) == [5, 6])
        #expect(problems.map(\.field) == ["price", "order_id"])
    }

    @Test func resumeSkipsAcknowledgedLinesButReadsTheHeader() throws {
        let csv = "metric,email\nA,a@example.com\nB,b@example.com\nC,c@example.com\n"
        let events = self.events(try self.items(csv, resumeAfter: 3))
        #expect(events.map(\.event.metric) == ["C"])
        #expect(events[0].event.uniqueID == "import-f00d-4")
    }

    @Test func jsonLines() throws {
        let text = """
            {"metric": "Placed Order", "profile": {"email": "ada@example.com"}, "time": "2026-03-01T12:00:00Z", "value": 129.99}
            {"metric": "X"}

            not json
            {"metric": "Y", "profile": {"email": "b@example.com"}, "uniqueID": "u-1", "time": 1767225600}
            """
        let items = try self.items(text, format: .jsonLines)
        let events = self.events(items)
        #expect(events.map(\.line) == [1, 5])
        #expect(events[0].event.uniqueID == "import-f00d-1")
        #expect(events[1].event.uniqueID == "u-1")
        #expect(self.problems(items).map(\.line) == [2, 4])
        #expect(self.problems(items)[0].field == "profile")
        let resumed = self.events(try self.items(text, format: .jsonLines, resumeAfter: 1))
        #expect(resumed.map(\.line) == [5])
    }

    @Test func stateRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("import-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try ImportState.load(from: path) == nil)
        let state = ImportState(
            file: "orders.csv", fingerprint: ImportFingerprint.of(Array("abc".utf8)), accountID: 7, acknowledgedThroughLine: 1234,
            stored: 1000, duplicates: 200, rejected: 3, notCollected: 1)
        try state.save(to: path)
        #expect(try ImportState.load(from: path) == state)
        #expect(state.mismatch(file: "orders.csv", fingerprint: state.fingerprint, accountID: 7) == nil)
        #expect(state.mismatch(file: "orders.csv", fingerprint: state.fingerprint, accountID: 8) != nil)
        #expect(state.mismatch(file: "orders.csv", fingerprint: "0", accountID: 7) != nil)
        #expect(ImportFingerprint.of(Array("abc".utf8)) == "e71fa2190541574b")
        #expect(ImportState.defaultPath(for: "data/orders.csv") == "data/orders.csv.import-state")
    }
}
