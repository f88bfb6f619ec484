import Foundation

/// What a change to a daily log achieved that was not achieved before it: the server sends a
/// `goal.achieved` event when this is not empty, so subscribers hear when a target is met in
/// its day, not at every later edit. Raising a count that was already enough achieves nothing
/// new; lowering it below the target and raising it again achieves it again.
public struct DailyAchievement: Sendable, Equatable {
    /// Metrics whose target is met after the change and was not before, in `GoalMetric` order.
    public var metrics: [GoalMetric]
    /// Every set target is met after the change and was not before (see `DailyTargets.areAllMet`).
    public var all: Bool

    public init(metrics: [GoalMetric], all: Bool) {
        self.metrics = metrics
        self.all = all
    }

    /// `before` nil: the log is new; `after` nil: it was deleted (which achieves nothing).
    public init(targets: DailyTargets, before: DailyLog?, after: DailyLog?) {
        guard let after else {
            self.init(metrics: [], all: false)
            return
        }
        self.init(
            metrics: GoalMetric.allCases.filter { targets.isMet($0, by: after) && !targets.isMet($0, by: before) },
            all: targets.areAllMet(by: after) && !targets.areAllMet(by: before))
    }

    public var isEmpty: Bool { metrics.isEmpty && !all }
}

extension CategoryTarget {
    /// The week's time in the category reached the target with this change and had not before.
    public func isNewlyAchieved(beforeSeconds: Int, afterSeconds: Int) -> Bool {
        isMet(bySeconds: afterSeconds) && !isMet(bySeconds: beforeSeconds)
    }
}
