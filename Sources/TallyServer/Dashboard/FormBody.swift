import Foundation
import Hummingbird

/// An `application/x-www-form-urlencoded` body: what the dashboard's forms post.
struct FormBody: Sendable {
    var fields: [(name: String, value: String)] = []

    static let maximumBytes = 256 * 1024

    static func read(_ request: Request) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: maximumBytes)
        return FormBody(encoded: String(buffer: buffer))
    }

    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            fields.append((Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : ""))
        }
    }

    subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Trimmed, nil when empty.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }
}
