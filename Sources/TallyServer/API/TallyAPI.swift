import Foundation
import TallyCore
import TallyIntegrations
import TallyStore
import TallyWebhooks

/// Implements the operations of `openapi.yaml` (the generated `APIProtocol`). Handlers translate
/// between wire types and domain types and call the store; auth, limits and error responses
/// happen in middleware.
struct TallyAPI: APIProtocol {
    let store: any TallyStore
    let configuration: ServerConfiguration
    let secretBox: SecretBox
    let imports: ImportRegistry
    let rulesBook: CategoryRulesBook
    let sources: ConfiguredSources
    let scheduler: SyncScheduler
    let reportTable: ReportSpanTable?
    let spool: BodySpool

    var urlPolicy: WebhookURLPolicy { WebhookURLPolicy(allowPrivateAddresses: configuration.webhookAllowPrivate) }

    var now: Date { configuration.now() }

    static let defaultPageSize = 100

    func pageSize(_ limit: Int?) throws(APIError) -> Int {
        guard let limit else { return Self.defaultPageSize }
        guard (1...1000).contains(limit) else {
            throw APIError.badRequest(
                "limit must be from 1 to 1000", errors: [FieldError(pointer: "#/limit", detail: "must be from 1 to 1000")])
        }
        return limit
    }

    /// A day written YYYY-MM-DD: a bad one is a 400 in the query, a 422 in a body (as every
    /// other invalid field of a body).
    func date(_ text: String?, field: String, inBody: Bool = false) throws(APIError) -> LocalDate? {
        guard let text else { return nil }
        guard let date = LocalDate(text) else {
            let error = FieldError(field: field, "must be a date written YYYY-MM-DD")
            if inBody { throw APIError.validation([error]) }
            throw APIError.badRequest("\(field) must be a date written YYYY-MM-DD", errors: [error])
        }
        return date
    }

    func timeZone(of userID: String) async throws -> TimeZone {
        let user = try await store.user(id: userID)
        return TimeZone(identifier: user?.timezone ?? configuration.defaultTimezone) ?? .gmt
    }
}

/// Opaque list cursors: the sort value and id of the last item of a page.
enum PageCursor {
    static func encode(_ after: PageAfter) -> String {
        Data("\(after.sortKey)\n\(after.id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String?) throws(APIError) -> PageAfter? {
        // `?cursor=` (nothing after it) is the first page, as a missing cursor.
        guard let text, !text.isEmpty else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let decoded = String(data: data, encoding: .utf8) else {
            throw APIError.badRequest("cursor is not one this server handed out")
        }
        let parts = decoded.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw APIError.badRequest("cursor is not one this server handed out") }
        return PageAfter(sortKey: String(parts[0]), id: String(parts[1]))
    }

    /// The cursor for the page after `items`, or nil when `items` was the last page (the store
    /// was asked for one more item than the page size).
    static func next<Item>(_ items: inout [Item], pageSize: Int, key: (Item) -> PageAfter) -> String? {
        guard items.count > pageSize else { return nil }
        items.removeLast(items.count - pageSize)
        return items.last.map { encode(key($0)) }
    }
}

/// Which fields a PATCH body set to an explicit `null` (the generated types cannot tell).
enum ExplicitNulls {
    static func keys() -> Set<String> {
        guard let bytes = RawBody.bytes,
            let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes))
        else { return [] }
        return Set(object.compactMap { $0.value == .null ? $0.key : nil })
    }
}
