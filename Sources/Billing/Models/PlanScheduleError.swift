public import Foundation

/// A plan change that does not fit the plan in force when it takes effect.
public enum PlanScheduleError: Error, Hashable, Sendable, CustomStringConvertible {
    case addOnAlreadyActive(effective: Date)
    case addOnNotActive(effective: Date, action: PlanChange.Action)

    public var description: String {
        switch self {
        case .addOnAlreadyActive(let effective):
            return "the change effective \(effective) adds Marketing Analytics, which is already on; change the tier instead"
        case .addOnNotActive(let effective, let action):
            let verb = if case .removeMarketingAnalytics = action { "removes" } else { "changes the tier of" }
            return "the change effective \(effective) \(verb) Marketing Analytics, which is off at that time"
        }
    }
}
