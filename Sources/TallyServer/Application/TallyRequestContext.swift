import Hummingbird
import Logging
import TallyCore

/// Per-request values the middleware chain fills in.
public struct TallyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    /// The API key that authenticated this request, once `AuthMiddleware` has run.
    public var apiKey: APIKey?

    public init(source: Source) {
        self.coreContext = .init(source: source)
    }
}
