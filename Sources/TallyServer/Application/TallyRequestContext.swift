import Hummingbird
import Logging
import NIOCore
import TallyCore

/// Per-request values the middleware chain fills in.
public struct TallyRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    /// The API key that authenticated this request, once `AuthMiddleware` has run.
    public var apiKey: APIKey?
    /// The store's change counter as `AuthMiddleware` read it, before anything else was read;
    /// the read cache files this request's answer under it.
    public var databaseVersion: UInt64?
    /// The peer, kept as NIO gives it: most requests never need it as text.
    let peer: SocketAddress?

    /// The client's address as a trusted proxy forwarded it (`TALLY_TRUSTED_PROXIES`).
    var forwardedClientAddress: String?

    /// The peer's IP address.
    public var remoteAddress: String? { peer?.ipAddress }

    /// The client's IP address, for limiting failed sign-ins and keys: the peer's, or behind a
    /// trusted proxy the one it forwarded.
    public var clientAddress: String? { forwardedClientAddress ?? remoteAddress }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.peer = source.channel.remoteAddress
    }
}
