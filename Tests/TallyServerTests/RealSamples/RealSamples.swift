import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import TallyCore

/// Real inputs collected from public repositories (`../shared/real-samples`, described file by
/// file in its PROVENANCE.md), fed to Tally the way its users would send them. The files are not
/// in this repository (some are GPL-3.0, some carry personal data), so the suites run only where
/// the folder is, and say they were skipped elsewhere. The figures they check were worked out
/// from the files themselves, not from Tally.
enum RealSamples {
    /// `TALLY_REAL_SAMPLES`, else `../shared/real-samples` beside the package.
    static let folder: URL? = {
        let candidate = ProcessInfo.processInfo.environment["TALLY_REAL_SAMPLES"].flatMap { $0.isEmpty ? nil : $0 }
            .map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared/real-samples", isDirectory: true)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return nil
        }
        return candidate
    }()

    static var isPresent: Bool { folder != nil }

    static let skipped: Comment =
        "skipped: no real samples (set TALLY_REAL_SAMPLES, or put them in ../shared/real-samples beside the package)"

    static func url(_ file: String) throws -> URL {
        guard let folder else { throw TestFailure("no real-samples folder") }
        return folder.appendingPathComponent(file)
    }

    static func data(_ file: String) throws -> Data {
        try Data(contentsOf: try url(file))
    }

    /// Every file of the folder but its PROVENANCE.md, by path inside it.
    static func allFiles() throws -> [String] {
        guard let folder else { return [] }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        for case let path as String in walker {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue, path != "PROVENANCE.md" { files.append(path) }
        }
        return files.sorted()
    }

    /// The files the suites below feed to Tally.
    static var coveredFiles: Set<String> {
        Set(RealAppleHealthTests.samples.flatMap(\.files))
            .union(RealHealthAutoExportTests.samples.map(\.file))
            .union(RealTogglTests.files)
            .union(RealClockifyTests.files)
    }
}

@Suite(.enabled(if: RealSamples.isPresent, RealSamples.skipped))
struct RealSamplesCoverageTests {
    /// A sample added to the folder must get a test, not sit there unread.
    @Test func everyFileInTheFolderIsFedToTally() throws {
        let present = Set(try RealSamples.allFiles())
        #expect(!present.isEmpty)
        let untested = present.subtracting(RealSamples.coveredFiles).sorted()
        #expect(untested.isEmpty, "real samples no test feeds to Tally: \(untested)")
        let missing = RealSamples.coveredFiles.subtracting(present).sorted()
        #expect(missing.isEmpty, "the suites name samples the folder lacks: \(missing)")
    }
}

// MARK: - Talking to the test server

extension TestServer {
    /// A body of any type, sent as a user's client would, with the admin key unless told otherwise.
    func upload(
        _ path: String, _ body: Data, type: String, key: String?? = .none, headers: [(String, String)] = []
    ) async throws -> RawResponse {
        try await send(.POST, path, key: key, headers: headers, body: (body, type))
    }

    /// Every time entry `GET /v1/time-entries` lists for the query, all pages.
    func listedEntries(_ query: String) async throws -> [[String: Any]] {
        var entries: [[String: Any]] = []
        var cursor: String?
        repeat {
            let page = try await send(.GET, "/v1/time-entries?\(query)&limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""))
            guard page.status == 200 else { throw TestFailure("listing entries failed: \(page.status) \(page.text)") }
            let object = try page.json()
            entries += object["time_entries"] as? [[String: Any]] ?? []
            cursor = object["next_cursor"] as? String
        } while cursor != nil
        return entries
    }
}

/// An instant of the API, or of a figure written in a test (RFC 3339, `Z` or an offset).
func instant(_ value: Any?) -> Date? {
    (value as? String).flatMap { RFC3339.parse($0) }
}

/// Whether an API instant is written in UTC, as the API promises.
func isUTC(_ value: Any?) -> Bool {
    (value as? String)?.hasSuffix("Z") == true
}

// MARK: - Zip archives as the Health app writes them

/// A zip of stored (uncompressed) members, enough to package a bare `export.xml` as the Health
/// app's `export.zip` does: `apple_health_export/export.xml`, routes in `workout-routes/`.
enum StoredZip {
    static func archive(_ members: [(name: String, data: Data)]) -> Data {
        var out = Data()
        var directory = Data()
        for member in members {
            let name = Data(member.name.utf8)
            let crc = crc32(member.data)
            let offset = UInt32(out.count)
            // Local header: version 2.0, no flags, stored, a fixed DOS time (2024-01-01 00:00).
            out.append(le32(0x0403_4B50))
            out.append(le16(20)); out.append(le16(0)); out.append(le16(0))
            out.append(le16(0)); out.append(le16(0x5821))
            out.append(le32(crc)); out.append(le32(UInt32(member.data.count))); out.append(le32(UInt32(member.data.count)))
            out.append(le16(UInt16(name.count))); out.append(le16(0))
            out.append(name)
            out.append(member.data)
            directory.append(le32(0x0201_4B50))
            directory.append(le16(20)); directory.append(le16(20)); directory.append(le16(0)); directory.append(le16(0))
            directory.append(le16(0)); directory.append(le16(0x5821))
            directory.append(le32(crc)); directory.append(le32(UInt32(member.data.count))); directory.append(le32(UInt32(member.data.count)))
            directory.append(le16(UInt16(name.count))); directory.append(le16(0)); directory.append(le16(0))
            directory.append(le16(0)); directory.append(le16(0)); directory.append(le32(0))
            directory.append(le32(offset))
            directory.append(name)
        }
        let directoryOffset = UInt32(out.count)
        out.append(directory)
        out.append(le32(0x0605_4B50))
        out.append(le16(0)); out.append(le16(0))
        out.append(le16(UInt16(members.count))); out.append(le16(UInt16(members.count)))
        out.append(le32(UInt32(directory.count))); out.append(le32(directoryOffset))
        out.append(le16(0))
        return out
    }

    private static func le16(_ value: UInt16) -> Data { Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
    private static func le32(_ value: UInt32) -> Data { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }

    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
