import Foundation
import Predictive

/// The CDNOW sample (see Fixtures/README.md) read into Sextant's own summary accumulator.
enum CDNOWSample {
    /// 1997-09-30, the end of the 39-week calibration period, as a day number.
    static let calibrationEndDay = Self.dayNumber(19970930)

    /// Every transaction as an order event (transactions on one day by one customer stay separate
    /// orders; the accumulator merges them into one purchase day).
    static func orders() throws -> [OrderEvent] {
        guard let url = Bundle.module.url(forResource: "CDNOW_sample", withExtension: "txt", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        var orders: [OrderEvent] = []
        for (lineNumber, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 5, let date = Int(fields[2]), let value = Decimal(string: String(fields[4])) else { continue }
            orders.append(OrderEvent(
                orderID: "\(lineNumber)", customerID: String(fields[1]),
                date: DayNumber.date(ofDay: Self.dayNumber(date)), value: value
            ))
        }
        return orders
    }

    /// Summaries as of 1997-09-30 in weeks, built from the raw transactions.
    static func calibrationSummaries() throws -> [CustomerSummary] {
        var accumulator = CustomerSummaryAccumulator(countsZeroValueOrders: true)
        for order in try Self.orders() where DayNumber.of(order.date) <= Self.calibrationEndDay {
            accumulator.add(order)
        }
        return Array(accumulator.summaries(asOfDay: Self.calibrationEndDay, unitInDays: 7).values)
    }

    /// Day number (days since 1970-01-01) of a YYYYMMDD date.
    static func dayNumber(_ yyyymmdd: Int) -> Int {
        var components = DateComponents()
        components.year = yyyymmdd / 10_000
        components.month = yyyymmdd / 100 % 100
        components.day = yyyymmdd % 100
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DayNumber.of(calendar.date(from: components)!)
    }
}
