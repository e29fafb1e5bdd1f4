public import Foundation

/// An account's plan over time: the plan it started with and its dated changes.
///
/// Changes are applied in order of their effective instant (changes at the same instant in the
/// order given), and each must make sense on the plan before it, so a schedule that was built is
/// consistent at every instant.
///
/// Billing is by local day (see `Invoice`): **each day of the account's time zone is billed at the
/// plan in force at the end of that day**. A change therefore counts from the local day it takes
/// effect, whatever the hour: an upgrade at 14:00 on the 10th bills the 10th at the new tier, and a
/// removal effective at midnight starting the 10th bills the add-on up to the 9th.
public struct PlanSchedule: Hashable, Sendable {
    public let initialPlan: Plan
    /// Sorted by effective instant.
    public let changes: [PlanChange]

    public init(initialPlan: Plan = .emailOnly, changes: [PlanChange] = []) throws(PlanScheduleError) {
        let sorted = changes.enumerated()
            .sorted { ($0.element.effective, $0.offset) < ($1.element.effective, $1.offset) }
            .map(\.element)
        var plan = initialPlan
        for change in sorted {
            guard let next = change.applied(to: plan) else {
                if case .addMarketingAnalytics = change.action {
                    throw .addOnAlreadyActive(effective: change.effective)
                }
                throw .addOnNotActive(effective: change.effective, action: change.action)
            }
            plan = next
        }
        self.initialPlan = initialPlan
        self.changes = sorted
    }

    /// The plan in force at an instant: every change effective at or before it applied.
    public func plan(at instant: Date) -> Plan {
        self.plan(applying: { $0 <= instant })
    }

    /// The plan with every change effective strictly before `instant`.
    func plan(before instant: Date) -> Plan {
        self.plan(applying: { $0 < instant })
    }

    private func plan(applying isEffective: (Date) -> Bool) -> Plan {
        var plan = self.initialPlan
        for change in self.changes where isEffective(change.effective) {
            plan = change.applied(to: plan)!  // each change was checked in init
        }
        return plan
    }

    /// The plan billed on each local day of the month, the 1st first: the plan in force at the end
    /// of the day (every change effective before the next local midnight).
    public func dailyPlans(in month: CalendarMonth, timeZone: TimeZone) -> [Plan] {
        let calendar = Calendar.gregorian(in: timeZone)
        return (1...month.numberOfDays).map { day in
            let nextMidnight = calendar.date(from: DateComponents(year: month.year, month: month.month, day: day + 1))!
            return self.plan(before: nextMidnight)
        }
    }
}
