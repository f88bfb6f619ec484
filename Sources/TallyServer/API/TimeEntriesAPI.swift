import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func listTimeEntries(_ input: Operations.ListTimeEntries.Input) async throws -> Operations.ListTimeEntries.Output {
        try Caller.require(.read)
        let query = input.query
        let limit = try pageSize(query.limit)
        let userID = try Caller.privateScope(asked: query.userId, "time entries")
        var entries = try await store.timeEntries(
            TimeEntryQuery(
                userID: userID, source: query.source.flatMap { TimeEntrySource(rawValue: $0.rawValue) },
                category: query.category, from: query.from, before: query.to, updatedSince: query.updatedSince,
                after: try PageCursor.decode(query.cursor), limit: limit + 1))
        let next = PageCursor.next(&entries, pageSize: limit) {
            PageAfter(sortKey: String(Int64(($0.start.timeIntervalSince1970 * 1000).rounded())), id: $0.id)
        }
        return .ok(.init(body: .json(.init(timeEntries: try entries.map { try $0.wire }, nextCursor: next))))
    }

    func createTimeEntry(_ input: Operations.CreateTimeEntry.Input) async throws -> Operations.CreateTimeEntry.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        try Caller.requireChange(of: body.userId, "time entries")
        let instant = now
        let rules = try await rulesBook.rules()
        let tags = body.tags ?? []
        var entry = TimeEntry(
            id: Identifier.make("te", at: instant), userID: body.userId, source: .manual, externalID: nil,
            description: body.description, project: body.project, tags: tags,
            category: rules.category(for: CategoryInput(project: body.project, tags: tags, description: body.description)),
            start: body.start, stop: body.stop, timezone: body.timezone, createdAt: instant, updatedAt: instant)
        if let category = body.category {
            entry.category = try Self.categoryName(category)
            entry.categoryIsManual = true
        }
        try Self.validate(entry, at: instant)
        try await store.createTimeEntry(entry)
        await checkGoals { try await goalBook.timeChanged(userIDs: [entry.userID]) }
        return .created(.init(headers: .init(location: "/v1/time-entries/\(entry.id)"), body: .json(try entry.wire)))
    }

    func getTimeEntry(_ input: Operations.GetTimeEntry.Input) async throws -> Operations.GetTimeEntry.Output {
        try Caller.require(.read)
        guard let entry = try await store.timeEntry(id: input.path.id) else {
            throw TallyError.notFound(kind: "time entry", id: input.path.id)
        }
        try Caller.requirePrivateRead(of: entry.userID, kind: "time entry", id: entry.id)
        return .ok(.init(body: .json(try entry.wire)))
    }

    func updateTimeEntry(_ input: Operations.UpdateTimeEntry.Input) async throws -> Operations.UpdateTimeEntry.Output {
        try Caller.require(.write)
        guard case .json(let body) = input.body else { throw APIError.unsupportedMediaType("send JSON") }
        let nulls = ExplicitNulls.keys()
        let instant = now
        let rules = try await rulesBook.rules()
        let category = try body.category.map(Self.categoryName)
        let mayChange = Caller.ownerCheck("time entry", id: input.path.id, isPrivate: true)
        let entry = try await store.updateTimeEntry(id: input.path.id) { entry in
            try mayChange(entry.userID)
            if let description = body.description { entry.description = description }
            if let project = body.project { entry.project = project } else if nulls.contains("project") { entry.project = nil }
            if let tags = body.tags { entry.tags = tags }
            if let start = body.start { entry.start = start }
            if let stop = body.stop { entry.stop = stop } else if nulls.contains("stop") { entry.stop = nil }
            if let timezone = body.timezone { entry.timezone = timezone } else if nulls.contains("timezone") { entry.timezone = nil }
            if let category {
                entry.category = category
                entry.categoryIsManual = true
            } else if nulls.contains("category") {
                entry.categoryIsManual = false
            }
            if !entry.categoryIsManual { entry.category = rules.category(of: entry) }
            entry.updatedAt = instant
            try Self.validate(entry, at: instant)
        }
        await checkGoals { try await goalBook.timeChanged(userIDs: [entry.userID]) }
        return .ok(.init(body: .json(try entry.wire)))
    }

    func deleteTimeEntry(_ input: Operations.DeleteTimeEntry.Input) async throws -> Operations.DeleteTimeEntry.Output {
        try Caller.require(.write)
        if let entry = try await store.timeEntry(id: input.path.id) {
            try Caller.requirePrivateRead(of: entry.userID, kind: "time entry", id: entry.id)
        }
        guard try await store.deleteTimeEntry(id: input.path.id, at: now) else {
            throw TallyError.notFound(kind: "time entry", id: input.path.id)
        }
        return .noContent(.init())
    }

    static func categoryName(_ text: String) throws(ValidationError) -> String {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64 else {
            throw ValidationError(field: "category", "must be a name of 1 to 64 characters")
        }
        return name
    }

    /// How far ahead of the server's clock a running manual entry may start (clients' clocks drift).
    static let clockSkew: TimeInterval = 60

    static func validate(_ entry: TimeEntry, at now: Date) throws(ValidationError) {
        var problems = FieldProblems()
        problems.checkText("description", entry.description, maxLength: TimeEntry.maximumDescriptionLength, allowEmpty: true)
        if let project = entry.project {
            problems.checkText("project", project, maxLength: TimeEntry.maximumProjectLength, allowEmpty: true)
        }
        problems.checkList("tags", entry.tags, maxCount: TimeEntry.maximumTagCount, maxLength: TimeEntry.maximumTagLength)
        problems.checkInstant("start", entry.start)
        problems.checkInstant("stop", entry.stop)
        if let stop = entry.stop, stop < entry.start { problems.add("stop", "must not be before start") }
        // A synced entry keeps what its tracker says; one typed in here must make sense.
        if entry.source == .manual {
            if let stop = entry.stop, stop == entry.start { problems.add("stop", "must be after start: the entry would last no time") }
            if entry.stop == nil, entry.start > now.addingTimeInterval(clockSkew) {
                problems.add("start", "must not be in the future for an entry that is still running (leave out stop only for what runs now)")
            }
        }
        if let timezone = entry.timezone, !TimeZoneName.isValid(timezone) {
            problems.add("timezone", "must be an IANA time zone such as Europe/Amsterdam")
        }
        try problems.throwIfAny()
    }
}

extension TimeEntry {
    var wire: Components.Schemas.TimeEntry {
        get throws {
            .init(
                id: id, userId: userID, source: Components.Schemas.TimeEntrySource(rawValue: source.rawValue) ?? .manual,
                externalId: externalID, description: description, project: project, tags: tags, category: category,
                categoryManual: categoryIsManual, start: start, stop: stop, duration: durationSeconds, timezone: timezone,
                details: .init(additionalProperties: try JSONBridge.container(details)), createdAt: createdAt,
                updatedAt: updatedAt)
        }
    }
}
