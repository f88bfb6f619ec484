import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import TallyCore
import TallyIntegrations
import TallyStore

/// `POST /webhooks/health`: the Health Auto Export app's REST automation. Authenticated with
/// `TALLY_HEALTH_WEBHOOK_TOKEN` as a Bearer token or an `api-key` header. The body is streamed to
/// a temporary file (the app sends up to hundreds of MB with routes and heart-rate data), then
/// read; entries are upserted in one transaction, so repeated and batched posts are harmless.
struct HealthAutoExportRoute: Sendable {
    let switchedOffNotice = LogOnce()
    let store: any TallyStore
    let token: String?
    let defaultUserID: String?
    let maxBytes: Int
    let spool: BodySpool
    let rulesBook: CategoryRulesBook
    let goals: GoalBook
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: TallyRequestContext) async throws -> Response {
        guard let token else {
            switchedOffNotice.debug("a call to a switched-off webhook route (logged once)", to: context.logger)
            throw APIError.switchedOff("the Health Auto Export webhook is off: set TALLY_HEALTH_WEBHOOK_TOKEN to turn it on")
        }
        guard let presented = Self.presentedToken(request), Self.matches(presented, token) else {
            throw APIError.unauthorized("send the TALLY_HEALTH_WEBHOOK_TOKEN as 'Authorization: Bearer <token>' or an 'api-key' header")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw APIError.contentTooLarge(limit: maxBytes)
        }
        let spooled = try await spool.write(
            request.body.map(\.readableBytesView), limit: maxBytes, name: "tally-hae-\(UUID().uuidString).json")
        defer { spooled.remove() }
        let body = spooled.url
        let userID = try await owner(request)
        let rules = try await rulesBook.rules()
        let instant = now()
        // A batch can be hundreds of megabytes: parsed on NIO's blocking pool, not an event loop.
        let parsed = try await NIOThreadPool.singleton.runIfActive {
            Result { () throws(HealthAutoExportError) in
                try HealthAutoExportPayload.read(file: body).timeEntries(userID: userID, rules: rules, at: instant)
            }
        }
        let entries: HealthAutoExportPayload.Entries
        switch parsed {
        case .success(let found): entries = found
        case .failure(let error): throw APIError.malformedJSON(error.description)
        }
        let counts = try await store.upsertTimeEntries(entries.entries)
        await goals.noteTimeChanged(userIDs: [userID])
        let answer: JSONValue = .object([
            "workouts": .integer(Int64(entries.workouts)), "mindful_minutes": .integer(Int64(entries.mindfulSamples)),
            "added": .integer(Int64(counts.added)), "updated": .integer(Int64(counts.updated)),
            "unchanged": .integer(Int64(counts.unchanged)),
            "ignored_metrics": .array(Array(Set(entries.ignoredMetrics)).sorted().map(JSONValue.string)),
        ])
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.serialized())))
    }

    static func presentedToken(_ request: Request) -> String? {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return request.headers[HTTPField.Name("api-key")!]
    }

    /// Constant time: compares digests, so neither length nor content leaks through timing.
    static func matches(_ presented: String, _ token: String) -> Bool {
        let left = SHA256.hash(data: Data(presented.utf8))
        let right = SHA256.hash(data: Data(token.utf8))
        return left.withUnsafeBytes { a in right.withUnsafeBytes { b in
            zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        } }
    }

    private func owner(_ request: Request) async throws -> String {
        switch try await store.owner(request.uri.queryParameters.get("user_id") ?? defaultUserID) {
        case .user(let id): return id
        case .unknown(let id): throw APIError.validation([FieldError(field: "user_id", "no user has the id '\(id)'")])
        case .noUsers, .severalUsers:
            throw APIError.badRequest("say whose data this is: add ?user_id=ID to the URL or set TALLY_HEALTH_WEBHOOK_USER")
        }
    }
}
