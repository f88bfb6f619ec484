import Foundation

/// Writes a request body to a private temporary file as it arrives, for the routes that take
/// bodies far beyond the API's limit (exports, Health Auto Export posts). More than `limit`
/// bytes is a 413, and the partial file is removed.
enum BodySpool {
    static func write<Body: AsyncSequence>(_ body: Body, limit: Int, name: String) async throws -> URL
    where Body.Element: DataProtocol {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = try? FileHandle(forWritingTo: url)
        else { throw APIError.unavailable("cannot store the request body in \(url.deletingLastPathComponent().path)") }
        do {
            defer { try? file.close() }
            var written = 0
            for try await chunk in body {
                written += chunk.count
                guard written <= limit else { throw APIError.contentTooLarge(limit: limit) }
                try file.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            throw error
        }
        return url
    }
}
