import Foundation
import Synchronization

/// Where request bodies far beyond the API's limit (Apple Health exports, Health Auto Export
/// posts) are written as they arrive: a folder beside the database (not /tmp, which may be a
/// small tmpfs), emptied when the server starts (a killed server leaves its files behind), with
/// a cap on the bytes all uploads in flight may hold together (`TALLY_IMPORT_SPOOL_BYTES`).
final class BodySpool: Sendable {
    let directory: URL
    let budget: Int
    private let inUse = Mutex<Int>(0)

    init(directory: URL, budget: Int) {
        self.directory = directory
        self.budget = budget
    }

    /// The spool of a database: `tally-spool` beside the SQLite file, else the temporary folder's.
    static func beside(_ databasePath: String?, budget: Int) -> BodySpool {
        let base = databasePath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? FileManager.default.temporaryDirectory
        return BodySpool(directory: base.appendingPathComponent("tally-spool"), budget: budget)
    }

    /// Removes what an earlier run left and makes the folder (0700).
    func prepare() throws {
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// A body written to a private file: more than `limit` bytes is a 413, more than the spool's
    /// room a 503; the partial file is removed either way. Its bytes count against the budget
    /// until `release` (after the import is done with the file).
    func write<Body: AsyncSequence>(_ body: Body, limit: Int, name: String) async throws -> SpooledFile
    where Body.Element: DataProtocol {
        try? FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let file = try? FileHandle(forWritingTo: url)
        else { throw APIError.unavailable("cannot store the request body in \(directory.path)") }
        var reserved = 0
        do {
            defer { try? file.close() }
            for try await chunk in body {
                guard reserved + chunk.count <= limit else { throw APIError.contentTooLarge(limit: limit) }
                try reserve(chunk.count)
                reserved += chunk.count
                try file.write(contentsOf: chunk)
            }
        } catch {
            try? FileManager.default.removeItem(at: url)
            release(reserved)
            throw error
        }
        return SpooledFile(url: url, bytes: reserved, spool: self)
    }

    private func reserve(_ bytes: Int) throws(APIError) {
        let granted = inUse.withLock { used -> Bool in
            guard used + bytes <= budget else { return false }
            used += bytes
            return true
        }
        guard granted else {
            var error = APIError.unavailable(
                "uploads in progress fill the spool (TALLY_IMPORT_SPOOL_BYTES = \(budget)); try again when they are done")
            error.headers[.retryAfter] = "60"
            error.isServerFault = false
            throw error
        }
    }

    fileprivate func release(_ bytes: Int) {
        inUse.withLock { $0 -= bytes }
    }

    var bytesInUse: Int { inUse.withLock { $0 } }
}

/// A spooled body; `remove()` deletes it and gives its bytes back to the spool.
struct SpooledFile: Sendable {
    let url: URL
    let bytes: Int
    let spool: BodySpool

    var path: String { url.path }

    func remove() {
        try? FileManager.default.removeItem(at: url)
        spool.release(bytes)
    }
}
