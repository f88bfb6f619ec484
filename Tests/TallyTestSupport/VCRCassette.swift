import Foundation
import Yams

/// A go-vcr (version 2) cassette: HTTP exchanges recorded against a real service, each with the
/// request's method, URL and body and the response's status, headers and body as sent.
public struct VCRCassette: Sendable {
    public struct Interaction: Sendable {
        public var id: Int
        public var method: String
        public var url: URL
        public var requestBody: String
        public var status: Int
        public var responseHeaders: [String: [String]]
        public var responseBody: String

        /// The request's query, decoded (each name once, as the recordings have them).
        public var queryItems: [String: String] {
            let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
            return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        }
    }

    public var version: Int
    public var interactions: [Interaction]

    public init(contentsOf file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        let wire = try YAMLDecoder().decode(Wire.self, from: text)
        version = wire.version
        interactions = try wire.interactions.map { item in
            guard let url = URL(string: item.request.url) else {
                throw CassetteError("interaction \(item.id) of \(file.lastPathComponent) has no readable URL")
            }
            return Interaction(
                id: item.id, method: item.request.method, url: url, requestBody: item.request.body ?? "",
                status: item.response.code, responseHeaders: item.response.headers ?? [:], responseBody: item.response.body ?? "")
        }
    }

    /// The interactions to `path` (the URL's path, e.g. `/api/v9/me/time_entries`) by `method`.
    public func interactions(_ method: String, _ path: String) -> [Interaction] {
        interactions.filter { $0.method == method && $0.url.path == path }
    }

    private struct Wire: Decodable {
        var version: Int
        var interactions: [WireInteraction]
    }

    private struct WireInteraction: Decodable {
        var id: Int
        var request: WireRequest
        var response: WireResponse
    }

    private struct WireRequest: Decodable {
        var url: String
        var method: String
        var body: String?
    }

    private struct WireResponse: Decodable {
        var code: Int
        var headers: [String: [String]]?
        var body: String?
    }
}

public struct CassetteError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
