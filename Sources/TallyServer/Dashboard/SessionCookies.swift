import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import TallyCore
import TallyStore

/// The dashboard's cookies: the session (a random token whose hash is the stored key), the
/// pre-sign-in CSRF token of the sign-in and set-up forms, and the chosen language.
enum SessionCookies {
    static let session = "tally_session"
    static let formToken = "tally_form"
    static let language = "tally_lang"

    /// 32 random bytes, base64url: a session token or a CSRF token.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    static func header(
        _ name: String, _ value: String, maxAge: Int, httpOnly: Bool = true, request: Request, settings: DashboardSettings
    ) -> String {
        var cookie = "\(name)=\(value); Path=/; Max-Age=\(maxAge); SameSite=Lax"
        if httpOnly { cookie += "; HttpOnly" }
        if secure(request, settings) { cookie += "; Secure" }
        return cookie
    }

    static func secure(_ request: Request, _ settings: DashboardSettings) -> Bool {
        switch settings.cookieSecurity {
        case .always: true
        case .never: false
        case .auto:
            request.uri.scheme?.rawValue == "https"
                || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased().hasPrefix("https") == true
        }
    }

    /// Compares two tokens without stopping at the first difference.
    static func same(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

/// A signed-in person: their session and who they are.
struct SignedIn: Sendable {
    var session: DashboardSession
    var user: User

    /// What the person may do through the API from their browser, as if with a key of these scopes.
    var scopes: [Scope] {
        switch user.role {
        case .admin: [.read, .write, .admin]
        case .manager, .member: [.read, .write]
        }
    }

    /// Stands in for an API key while the dashboard's script calls `/v1`: rate limits and
    /// scope checks see one "key" per user.
    var apiKey: APIKey {
        APIKey(
            id: "session:\(user.id)", name: "dashboard (\(user.name))", prefix: "session", lookup: "", secretHash: [],
            scopes: scopes, userID: user.id, createdAt: session.createdAt)
    }

    /// The person as the API sees them: their scopes, and for whom they may act.
    var identity: Caller.Identity {
        Caller.Identity(apiKey: apiKey, access: .of(user: user))
    }

    static func find(_ request: Request, store: any TallyStore, now: Date) async throws -> SignedIn? {
        guard let token = SessionCookies.value(SessionCookies.session, in: request), token.count == 43 else { return nil }
        guard let (session, user) = try await store.session(idHash: SessionCookies.hash(token), at: now) else { return nil }
        return SignedIn(session: session, user: user)
    }

    /// Forms and scripts that change something must send the session's CSRF token.
    func accepts(csrf presented: String?) -> Bool {
        guard let presented else { return false }
        return SessionCookies.same(presented, session.csrfToken)
    }
}
