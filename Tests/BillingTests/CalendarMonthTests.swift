import Billing
import Foundation
import Testing

@Suite struct CalendarMonthTests {
    @Test func monthArithmeticCrossesYears() {
        #expect(month(2025, 1).advanced(by: -1) == month(2024, 12))
        #expect(month(2025, 12).advanced(by: 1) == month(2026, 1))
        #expect(month(2025, 3).advanced(by: -11) == month(2024, 4))
        #expect(CalendarMonth(index: month(2025, 7).index) == month(2025, 7))
    }

    @Test func daysInMonthIncludeLeapYears() {
        #expect(month(2024, 2).numberOfDays == 29)
        #expect(month(2025, 2).numberOfDays == 28)
        #expect(month(1900, 2).numberOfDays == 28)
        #expect(month(2000, 2).numberOfDays == 29)
        #expect(month(2025, 4).numberOfDays == 30)
    }

    @Test func boundariesAreLocal() {
        #expect(month(2025, 2).start(in: berlin) == instant("2025-01-31T23:00:00Z"))
        #expect(month(2025, 3).end(in: berlin) == instant("2025-03-31T22:00:00Z"))  // summer time from 30 March
        #expect(CalendarMonth.containing(instant("2025-01-31T23:30:00Z"), in: berlin) == month(2025, 2))
        #expect(CalendarMonth.containing(instant("2025-01-31T23:30:00Z"), in: utc) == month(2025, 1))
    }

    @Test func decodingRefusesAnImpossibleMonth() throws {
        let decoder = JSONDecoder()
        #expect(try decoder.decode(CalendarMonth.self, from: Data(#"{"year": 2025, "month": 3}"#.utf8)) == month(2025, 3))
        #expect(throws: DecodingError.self) {
            try decoder.decode(CalendarMonth.self, from: Data(#"{"year": 2025, "month": 13}"#.utf8))
        }
    }
}
