import TallyCore

/// The authenticated caller, visible to the generated API handlers (which do not see the
/// Hummingbird context) for the duration of one request.
enum Caller {
    @TaskLocal static var apiKey: APIKey?

    /// Throws 403 unless the caller's key has `scope` (or a higher one).
    static func require(_ scope: Scope) throws(APIError) {
        guard let apiKey else { throw APIError.unauthorized("an API key is required") }
        guard apiKey.allows(scope) else {
            throw APIError.forbidden("this API key lacks the '\(scope.rawValue)' scope")
        }
    }
}
