import Foundation
import TallyCore
import TallyStore

extension TallyAPI {
    func listDailyLogs(_ input: Operations.ListDailyLogs.Input) async throws -> Operations.ListDailyLogs.Output {
        try Caller.require(.read)
        let query = input.query
        let limit = try pageSize(query.limit)
        var from = try date(query.from, field: "from")
        var to = try date(query.to, field: "to")
        if let day = try date(query.date, field: "date") {
            from = max(from ?? day, day)
            to = min(to ?? day, day)
        }
        var logs = try await store.dailyLogs(
            DailyLogQuery(
                userID: query.userId, from: from, to: to, updatedSince: query.updatedSince,
                after: try PageCursor.decode(query.cursor), limit: limit + 1))
        let next = PageCursor.next(&logs, pageSize: limit) { PageAfter(sortKey: $0.date.description, id: $0.id) }
        return .ok(.init(body: .json(.init(dailyLogs: logs.map(\.wire), nextCursor: next))))
    }

    func createDailyLog(_ input: Operations.CreateDailyLog.Input) async throws -> Operations.CreateDailyLog.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        try Caller.requireChange(of: body.userId, "daily logs")
        let instant = now
        let day: LocalDate
        if let given = try date(body.date, field: "date", inBody: true) {
            day = given
        } else {
            day = LocalDate(containing: instant, in: try await timeZone(of: body.userId))
        }
        let log = DailyLog(
            id: Identifier.make("dl", at: instant), userID: body.userId, date: day, reviews: body.reviews,
            demos: body.demos, callbacks: body.callbacks, notes: body.notes, createdAt: instant, updatedAt: instant)
        try log.validate()
        try await store.createDailyLog(log)
        await checkGoals { try await goalBook.dailyLogChanged(log) }
        return .created(.init(headers: .init(location: "/v1/daily-logs/\(log.id)"), body: .json(log.wire)))
    }

    func getDailyLog(_ input: Operations.GetDailyLog.Input) async throws -> Operations.GetDailyLog.Output {
        try Caller.require(.read)
        guard let log = try await store.dailyLog(id: input.path.id) else {
            throw TallyError.notFound(kind: "daily log", id: input.path.id)
        }
        return .ok(.init(body: .json(log.wire)))
    }

    func updateDailyLog(_ input: Operations.UpdateDailyLog.Input) async throws -> Operations.UpdateDailyLog.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let newDate = try date(body.date, field: "date", inBody: true)
        let nulls = ExplicitNulls.keys()
        let instant = now
        let mayChange = Caller.ownerCheck("daily log", id: input.path.id, isPrivate: false)
        let log = try await store.updateDailyLog(id: input.path.id) { log in
            try mayChange(log.userID)
            if let newDate { log.date = newDate }
            if let reviews = body.reviews { log.reviews = reviews }
            if let demos = body.demos { log.demos = demos }
            if let callbacks = body.callbacks { log.callbacks = callbacks }
            if let notes = body.notes { log.notes = notes } else if nulls.contains("notes") { log.notes = nil }
            log.updatedAt = instant
            try log.validate()
        }
        await checkGoals { try await goalBook.dailyLogChanged(log) }
        return .ok(.init(body: .json(log.wire)))
    }

    func deleteDailyLog(_ input: Operations.DeleteDailyLog.Input) async throws -> Operations.DeleteDailyLog.Output {
        try Caller.require(.write)
        if let log = try await store.dailyLog(id: input.path.id) { try Caller.requireChange(of: log.userID, "daily logs") }
        guard try await store.deleteDailyLog(id: input.path.id, at: now) else {
            throw TallyError.notFound(kind: "daily log", id: input.path.id)
        }
        return .noContent(.init())
    }
}

extension DailyLog {
    var wire: Components.Schemas.DailyLog {
        .init(
            id: id, userId: userID, date: date.description, reviews: reviews, demos: demos, callbacks: callbacks,
            notes: notes, createdAt: createdAt, updatedAt: updatedAt)
    }
}
