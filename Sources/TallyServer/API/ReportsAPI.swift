import Foundation
import TallyCore
import TallyStore

extension TallyAPI {
    var reports: Reports { Reports(store: store, configuration: configuration, table: reportTable) }

    func timeReport(_ input: Operations.TimeReport.Input) async throws -> Operations.TimeReport.Output {
        try Caller.require(.read)
        let query = input.query
        let range = try dayRange(from: query.from, to: query.to)
        let grouping = ReportGrouping(rawValue: query.groupBy?.rawValue ?? "week") ?? .week
        var dayStartsAt = configuration.dayStartsAt
        if let text = query.dayStartsAt {
            guard let value = DayStartTime(text) else {
                throw ValidationError(field: "day_starts_at", "must be a time of day written HH:MM")
            }
            dayStartsAt = value
        }
        var priority = configuration.sourcePriority
        if let text = query.sourcePriority {
            do { priority = try SourcePriority(parsing: text) } catch {
                throw ValidationError(error.errors.map { FieldError(field: "source_priority", $0.detail) })
            }
        }
        let userID = try Caller.privateScope(asked: query.userId, "time reports")
        if let userID, try await store.user(id: userID) == nil {
            throw TallyError.notFound(kind: "user", id: userID)
        }
        let report = try await reports.time(
            range: range, grouping: grouping, userID: userID, dayStartsAt: dayStartsAt, priority: priority)
        return .ok(
            .init(
                body: .json(
                    .init(
                        from: range.lowerBound.description, to: range.upperBound.description, groupBy: grouping.rawValue,
                        userId: query.userId, dayStartsAt: dayStartsAt.description,
                        sourcePriority: priority.order.map(\.rawValue),
                        rows: report.rows.map {
                            .init(key: $0.key, category: $0.category, seconds: $0.seconds, rawSeconds: $0.rawSeconds)
                        },
                        totals: report.totals.map { .init(category: $0.category, seconds: $0.seconds, rawSeconds: $0.rawSeconds) },
                        totalSeconds: report.totalSeconds, rawTotalSeconds: report.rawTotalSeconds))))
    }

    /// `from` and `to` as days, `to` not before `from`, at most ten years apart.
    func dayRange(from: String?, to: String?) throws -> ClosedRange<LocalDate> {
        var missing: [FieldError] = []
        if from == nil { missing.append(FieldError(field: "from", "is required: the first day, YYYY-MM-DD")) }
        if to == nil { missing.append(FieldError(field: "to", "is required: the last day, YYYY-MM-DD")) }
        guard missing.isEmpty, let first = try date(from, field: "from"), let last = try date(to, field: "to") else {
            throw APIError.badRequest("from and to are required", errors: missing)
        }
        guard first <= last else { throw ValidationError(field: "to", "must not be before from") }
        guard first.distance(to: last) <= 3660 else { throw ValidationError(field: "to", "must be at most ten years after from") }
        return first...last
    }
}
