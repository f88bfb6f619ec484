import Foundation
import Testing
@testable import TallyIntegrations

/// Damaged or wrong input must end in a typed error, never in a crash or a partial result.
@Suite struct HealthExportErrorTests {
    enum Kind: Equatable {
        case cannotOpen, notAHealthExport, truncated, corruptArchive, unsupportedArchive, malformed
    }

    /// Opens and reads `path` to the end; returns the kind of error thrown, nil if none was.
    func failure(reading path: String) -> (kind: Kind, error: HealthExportError)? {
        do {
            _ = try HealthExportReader(path: path).read { _ in }
            return nil
        } catch let error as HealthExportError {
            let kind: Kind = switch error {
            case .cannotOpen: .cannotOpen
            case .notAHealthExport: .notAHealthExport
            case .truncated: .truncated
            case .corruptArchive: .corruptArchive
            case .unsupportedArchive: .unsupportedArchive
            case .malformed: .malformed
            }
            return (kind, error)
        } catch {
            Issue.record("untyped error \(error)")
            return nil
        }
    }

    func write(_ bytes: some Sequence<UInt8>, to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    @Test("an archive cut short at any point is truncated")
    func truncatedArchive() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 2, arguments: ["--quirks", "all"])
        let bytes = try Data(contentsOf: archive)
        for cut in [4, 30, 1000, bytes.count / 3, bytes.count / 2, bytes.count - 400, bytes.count - 100, bytes.count - 22, bytes.count - 1] {
            let damaged = folder.file("cut-\(cut).zip")
            try write(bytes.prefix(cut), to: damaged)
            let failure = failure(reading: damaged.path)
            #expect(failure?.kind == .truncated, "cut at \(cut) of \(bytes.count): \(String(describing: failure?.error))")
        }
    }

    @Test("a damaged byte in the deflate stream is a corrupt archive", arguments: [0.2, 0.4, 0.6, 0.8, 0.99])
    func corruptDeflateStream(at fraction: Double) throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 2, seed: 9)
        let file = try InputFile(path: archive.path)
        let entry = try #require(try ZipDirectory.entries(in: file).first { $0.name.hasSuffix("export.xml") })
        let dataStart = try ZipDirectory.dataOffset(of: entry, in: file)
        var bytes = [UInt8](try Data(contentsOf: archive))
        bytes[Int(dataStart) + Int(Double(entry.compressedSize) * fraction)] ^= 0x5A
        try write(bytes, to: archive)
        let failure = failure(reading: archive.path)
        #expect(failure?.kind == .corruptArchive, "\(String(describing: failure?.error))")
    }

    @Test("a CRC-32 that does not match the data is a corrupt archive")
    func crcMismatch() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 1, seed: 9)
        var bytes = [UInt8](try Data(contentsOf: archive))
        // No archive comment: the end record is the last 22 bytes; the XML is the first entry.
        let end = bytes.count - 22
        let directory = (0..<4).reduce(0) { $0 | Int(bytes[end + 16 + $1]) << (8 * $1) }
        bytes[directory + 16] ^= 0x01
        try write(bytes, to: archive)
        let failure = failure(reading: archive.path)
        #expect(failure?.kind == .corruptArchive)
        #expect(failure?.error.description.contains("CRC-32") == true)
    }

    @Test("an XML that ends early is truncated, bare or zipped")
    func truncatedXML() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        try HealthExportFixtures.generate(xml, sizeMB: 1, arguments: ["--quirks", "broken-dtd"])
        let bytes = [UInt8](try Data(contentsOf: xml))
        let text = String(decoding: bytes, as: UTF8.self)
        let insideWorkout = text.utf8.distance(from: text.startIndex, to: try #require(text.range(of: "<MetadataEntry key=\"HKTimeZone\"")).lowerBound)
        let cuts = [300, 2000, 9000, bytes.count / 2, insideWorkout, bytes.count - "</HealthData>\n".utf8.count, bytes.count - 3]
        for cut in cuts {
            let damaged = folder.file("cut.xml")
            try write(bytes.prefix(cut), to: damaged)
            let failure = failure(reading: damaged.path)
            #expect(failure?.kind == .truncated, "cut at \(cut): \(String(describing: failure?.error))")
            if cut == insideWorkout {
                #expect(failure?.error.description.contains("<Workout>") == true)
            }
            let archive = folder.file("cut-\(cut).zip")
            try HealthExportFixtures.zip([("apple_health_export/export.xml", damaged.path)], to: archive)
            #expect(self.failure(reading: archive.path)?.kind == .truncated, "zipped, cut at \(cut)")
        }
    }

    @Test("a zip without a Health export, even one hidden under __MACOSX/")
    func notAHealthArchive() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        try HealthExportFixtures.generate(xml, sizeMB: 0.2)
        let other = folder.file("other.xml")
        try Data("<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>\n".utf8).write(to: other)
        let archive = folder.file("photos.zip")
        try HealthExportFixtures.zip(
            [("notes/plist.xml", other.path), ("__MACOSX/apple_health_export/._export.xml", xml.path),
             ("apple_health_export/export_cda.xml", xml.path)],
            to: archive
        )
        #expect(failure(reading: archive.path)?.kind == .notAHealthExport)
    }

    @Test("files and folders that are no export at all")
    func notAnExport() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        var generator = SystemRandomNumberGenerator()
        let random = folder.file("random.bin")
        try write((0..<65536).map { _ in UInt8.random(in: 0...255, using: &generator) }, to: random)
        #expect(failure(reading: random.path)?.kind == .notAHealthExport)

        let empty = folder.file("empty.xml")
        try write([], to: empty)
        #expect(failure(reading: empty.path)?.kind == .notAHealthExport)

        let plist = folder.file("export.xml")
        try Data("<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>\n".utf8).write(to: plist)
        #expect(failure(reading: plist.path)?.kind == .notAHealthExport)

        let emptyFolder = folder.file("apple_health_export")
        try FileManager.default.createDirectory(at: emptyFolder, withIntermediateDirectories: true)
        #expect(failure(reading: emptyFolder.path)?.kind == .notAHealthExport)

        #expect(failure(reading: folder.file("missing.zip").path)?.kind == .cannotOpen)
    }

    @Test("a zip header followed by noise is a truncated archive")
    func zipHeaderThenNoise() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let file = folder.file("export.zip")
        var generator = SystemRandomNumberGenerator()
        try write([0x50, 0x4B, 0x03, 0x04] + (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }, to: file)
        #expect(failure(reading: file.path)?.kind == .truncated)
    }

    @Test("every error describes itself on one line")
    func oneLineDescriptions() {
        let errors: [HealthExportError] = [
            .cannotOpen(path: "/x", reason: "no such file or directory"), .notAHealthExport("the file is empty"),
            .truncated("the XML ends"), .corruptArchive("the CRC-32 does not match"),
            .unsupportedArchive("encrypted"), .malformed("bad date"),
        ]
        #expect(errors.allSatisfy { !$0.description.contains("\n") && $0.description.hasSuffix(".") })
    }
}
