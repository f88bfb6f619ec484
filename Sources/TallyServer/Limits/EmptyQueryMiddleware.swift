import Hummingbird

/// `?cursor=` or `?from=` with nothing after the `=` means the parameter is not given, as forms
/// and many clients send it; the generated layer would otherwise read an empty date or cursor.
struct EmptyQueryMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let query = request.uri.query, Self.hasEmptyItem(query) else { return try await next(request, context) }
        let kept = query.split(separator: "&").filter { item in
            guard let equals = item.firstIndex(of: "=") else { return !item.isEmpty }
            return item.index(after: equals) != item.endIndex
        }
        var path = request.uri.path
        if !kept.isEmpty { path += "?" + kept.joined(separator: "&") }
        var head = request.head
        head.path = path
        return try await next(Request(head: head, body: request.body), context)
    }

    static func hasEmptyItem(_ query: String) -> Bool {
        query.split(separator: "&", omittingEmptySubsequences: false).contains { $0.isEmpty || $0.hasSuffix("=") }
    }
}
