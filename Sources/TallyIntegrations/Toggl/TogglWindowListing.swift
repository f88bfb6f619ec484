import Foundation

/// Lists every entry starting in a window with as few `start_date`/`end_date` requests as the
/// 1000-entry cap allows. Toggl answers newest first, so a full answer is followed by one for
/// [window start, oldest start seen + 1 s); the overlap second is deduplicated by id. If an
/// answer is not newest first, the rest is read by halving the window instead.
struct TogglWindowListing {
    static let pageLimit = 1000

    let client: TogglClient

    func entries(in window: DateInterval) async throws -> [TogglTimeEntry] {
        // Whole seconds, widened outwards: the query has no fractions and the end is exclusive.
        let start = Date(timeIntervalSince1970: window.start.timeIntervalSince1970.rounded(.down))
        let end = Date(timeIntervalSince1970: window.end.timeIntervalSince1970.rounded(.up))
        var found: [Int64: TogglTimeEntry] = [:]
        try await walkBackwards(from: start, to: end, into: &found)
        return found.values.sorted { $0.start < $1.start }
    }

    private func walkBackwards(from start: Date, to end: Date, into found: inout [Int64: TogglTimeEntry]) async throws {
        var end = end
        while end > start {
            let page = try await client.timeEntries(startDate: start, endDate: end)
            for entry in page { found[entry.id] = entry }
            guard page.count >= Self.pageLimit else { return }
            let newestFirst = zip(page, page.dropFirst()).allSatisfy { $0.start >= $1.start }
            guard newestFirst, let oldest = page.last?.start else {
                return try await halve(from: start, to: end, into: &found)
            }
            let next = Date(timeIntervalSince1970: oldest.timeIntervalSince1970.rounded(.down) + 1)
            // More than a full answer starts in the last second: only narrower windows can help.
            guard next < end else { return try await halve(from: start, to: end, into: &found) }
            end = next
        }
    }

    private func halve(from start: Date, to end: Date, into found: inout [Int64: TogglTimeEntry]) async throws {
        let span = end.timeIntervalSince(start)
        // A one-second window cannot be narrowed; what it returned is all that can be had.
        guard span > 1 else { return }
        let middle = start + (span / 2).rounded(.down)
        for (from, to) in [(start, middle), (middle, end)] {
            let page = try await client.timeEntries(startDate: from, endDate: to)
            for entry in page { found[entry.id] = entry }
            if page.count >= Self.pageLimit { try await halve(from: from, to: to, into: &found) }
        }
    }
}
