import Foundation
import Hummingbird
import TallyCore
import TallyStore

/// Time entries: filter by range, category and source; change an entry's category.
extension Dashboard {
    func entries(_ request: Request, _ signedIn: SignedIn) async throws -> Response {
        let language = Language.of(request)
        let zone = Self.zone(signedIn.user)
        let query = request.uri.queryParameters
        let today = LocalDate(containing: now(), in: zone)
        let from = query["from"].flatMap { LocalDate(String($0)) } ?? today.adding(days: -6)
        let to = query["to"].flatMap { LocalDate(String($0)) } ?? today
        let category = query["category"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let source = query["source"].flatMap { TimeEntrySource(rawValue: String($0)) }
        let users = try await store.users(after: nil, limit: 1000)
        let names = Dictionary(users.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        // A member sees only their own entries (see Access).
        let asked = query["user"].map(String.init).flatMap { names[$0] == nil ? nil : $0 }
        let userID = Access.of(user: signedIn.user).actsForWholeTeam ? asked : signedIn.user.id
        let rules = try await api.rulesBook.rules()
        let found = try await store.timeEntries(
            TimeEntryQuery(
                userID: userID, source: source, category: category, from: from.start(in: zone), before: to.adding(days: 1).start(in: zone),
                limit: Self.entriesShown))
        let colours = Dictionary(rules.palette.map { ($0.name, $0.color) }, uniquingKeysWith: { first, _ in first })
        var categories = rules.palette.map(\.name)
        for entry in found where !categories.contains(entry.category) { categories.append(entry.category) }
        let rows: [[String: Any]] = found.sorted { $0.start > $1.start }.map { entry in
            [
                "id": entry.id, "start": SyncIndicator.clock(entry.start, zone),
                "duration": entry.durationSeconds.map { DurationText(units: language.units).duration(seconds: $0) }
                    ?? (language.strings["running"] ?? "running"),
                "description": entry.description, "source": entry.source.rawValue, "category": entry.category,
                "colour": colours[entry.category] ?? "#9aa0a6", "manual": entry.categoryIsManual,
                "options": categories.map { ["name": $0, "selected": $0 == entry.category] },
                "user": names[entry.userID] ?? entry.userID,
            ]
        }
        let values: [String: Any] = [
            "from": from.description, "to": to.description, "rows": rows, "has_rows": !rows.isEmpty,
            "categories": categories.map { ["name": $0, "selected": $0 == category] },
            "users": users.map { ["id": $0.id, "name": $0.name, "selected": $0.id == userID] },
            "truncated": found.count == Self.entriesShown, "shown": Self.entriesShown,
            "sources": TimeEntrySource.allCases.map { ["name": $0.rawValue, "selected": $0 == source] },
        ]
        return renderer.page("entries", values, frame: await frame(request, signedIn, titleKey: "entries"))
    }

    /// The page lists at most this many entries, the earliest of the range first cut off; a
    /// narrower range shows the rest.
    static let entriesShown = 500

    func changeCategory(_ request: Request, _ context: TallyRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        return try await action(request, context) { form, _ in
            guard let category = form.text("category") else {
                throw ValidationError(field: "category", "choose a category")
            }
            _ = try await api.updateTimeEntry(.init(path: .init(id: id), body: .json(.init(category: category))))
            return Self.redirect(Self.sameSiteReferer(request) ?? "/entries")
        }
    }
}
