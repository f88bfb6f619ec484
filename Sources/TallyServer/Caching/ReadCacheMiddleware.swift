import Crypto
import HTTPTypes
import Hummingbird
import NIOCore
import TallyStore

/// Serves repeated reads of users, daily logs and appointments from memory while the database is
/// unchanged, and gives every such answer a strong `ETag` so pollers can ask with `If-None-Match`
/// and get `304 Not Modified`. These answers depend only on the database, the URL and for whom the
/// caller acts (each route needs the read scope, which the caller's key is checked for here). `Cache-Control: no-cache`
/// on the request skips the kept answer.
struct ReadCacheMiddleware: RouterMiddleware {
    typealias Context = TallyRequestContext
    let cache: UnchangedDataCache<CachedAnswer>
    let changes: (any ChangeCounter)?
    let metrics: ServerMetrics

    /// `/v1/<resource>` and `/v1/<resource>/<id>`.
    static let resources: Set<Substring> = ["users", "daily-logs", "appointments"]

    static func isCacheable(path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard (2...3).contains(segments.count), segments.first == "v1" else { return false }
        return resources.contains(segments[segments.startIndex + 1]) && segments.allSatisfy { !$0.isEmpty }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .get, let changes, context.apiKey?.allows(.read) == true,
            Self.isCacheable(path: request.uri.path), let version = context.databaseVersion ?? changes.current()
        else {
            return try await next(request, context)
        }
        // A member sees only their own appointments: answers are kept per audience.
        let key = (Caller.access.ownUserID.map { "member:" + $0 } ?? "team") + " " + request.uri.description
        let revalidate = request.headers[.cacheControl]?.contains("no-cache") == true
        if !revalidate, let entry = cache.value(for: key, at: version) {
            metrics.recordReadCache(hit: true)
            return Self.answer(entry, to: request)
        }
        metrics.recordReadCache(hit: false)
        let response = try await next(request, context)
        guard response.status == .ok, let contentType = response.headers[.contentType] else { return response }
        let body = try await response.body.collected()
        let entry = CachedAnswer(body: body, contentType: contentType, etag: Self.etag(of: body))
        cache.keep(entry, for: key, at: version)
        var answer = Self.answer(entry, to: request)
        for field in response.headers where ![.contentType, .contentLength].contains(field.name) {
            answer.headers.append(field)
        }
        return answer
    }

    static func answer(_ entry: CachedAnswer, to request: Request) -> Response {
        if let asked = request.headers[.ifNoneMatch], matches(asked, etag: entry.etag) {
            return Response(status: .notModified, headers: [.eTag: entry.etag])
        }
        return Response(
            status: .ok, headers: [.contentType: entry.contentType, .eTag: entry.etag],
            body: .init(byteBuffer: entry.body))
    }

    /// `If-None-Match: *`, one tag or a list; weak comparison, as RFC 9110 asks for this header.
    static func matches(_ header: String, etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingCharacters(in: .whitespaces)
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    static func etag(of body: ByteBuffer) -> String {
        let digest = body.withUnsafeReadableBytes { SHA256.hash(data: $0) }
        return "\"" + digest.prefix(12).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined() + "\""
    }
}

/// A kept `200` answer.
struct CachedAnswer: Sendable {
    let body: ByteBuffer
    let contentType: String
    let etag: String
}
