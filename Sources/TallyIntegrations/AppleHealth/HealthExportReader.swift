import Foundation

/// Reads an Apple Health "Export All Health Data" export: the `export.zip`, the unzipped
/// `apple_health_export/` folder, or the export XML itself.
///
/// The XML is streamed: a zip entry is inflated piece by piece, never extracted, and at most a
/// few megabytes are held at any time whatever the export's size. The XML is found by its
/// content, as its name is localised (`exportar.xml`, `导出.xml`, ...).
///
/// `read` hands each record over as it is found and throws `HealthExportError` on anything
/// incomplete or damaged, even after records were handed over: commit them only once `read`
/// has returned.
public struct HealthExportReader: Sendable {
    /// Where the export XML was found.
    public enum Input: Sendable, Equatable {
        /// An entry of a zip archive, by its name inside the archive.
        case archiveEntry(String)
        /// A bare XML file, given directly or found in a folder.
        case xmlFile(path: String)
    }

    /// How many file bytes pass between two progress reports.
    public static let progressInterval: Int64 = 1 << 20
    /// Enough to hold the prolog and the start of the DTD, where the doctype names `HealthData`.
    static let sniffLength = 16 << 10
    /// The scanner must see a whole tag at once; no tag of a real export comes near this.
    static let largestTag = 16 << 20

    private enum Location: Sendable {
        case archive(ZipEntry)
        case xmlFile(path: String)
    }

    public let path: String
    private let location: Location

    public var input: Input {
        switch location {
        case .archive(let entry): .archiveEntry(entry.name)
        case .xmlFile(let path): .xmlFile(path: path)
        }
    }

    /// Finds the export XML at `path`, so that a wrong path or file fails before any import starts.
    public init(path: String) throws(HealthExportError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "no such file or directory")
        }
        if isDirectory.boolValue {
            location = .xmlFile(path: try Self.findXML(inFolder: path))
            return
        }
        let file = try InputFile(path: path)
        if Self.isZipSignature(try file.read(count: 4, at: 0)) {
            location = .archive(try Self.findXML(inArchive: file))
        } else if try Self.looksLikeHealthExport(file) {
            location = .xmlFile(path: path)
        } else {
            throw .notAHealthExport(file.size == 0 ? "the file is empty" : "the file is neither a zip archive nor Apple Health export XML")
        }
    }

    /// Reads the whole export, calling `onRecord` for each workout and mindful session and
    /// `progress` about every megabyte of file read and once at the end. An error thrown by
    /// `onRecord` stops the read and is rethrown as is.
    public func read(
        progress: (HealthExportProgress) -> Void = { _ in },
        onRecord: (HealthRecord) throws -> Void
    ) throws -> HealthExportSummary {
        switch location {
        case .archive(let entry):
            var stream = try ZipEntryStream(entry: entry, in: try InputFile(path: path))
            return try read(&stream, name: entry.name, progress: progress, onRecord: onRecord)
        case .xmlFile(let xmlPath):
            var source = FileByteSource(file: try InputFile(path: xmlPath))
            return try read(&source, name: xmlPath, progress: progress, onRecord: onRecord)
        }
    }

    private func read<Source: ByteSource>(
        _ source: inout Source, name: String,
        progress: (HealthExportProgress) -> Void, onRecord: (HealthRecord) throws -> Void
    ) throws -> HealthExportSummary {
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var scanner = HealthXMLScanner()
        var start = 0
        var end = 0
        var offset: Int64 = 0
        var nextReport = Self.progressInterval
        func report() {
            progress(HealthExportProgress(
                bytesRead: source.bytesConsumed, totalBytes: source.totalBytes,
                workouts: scanner.workouts, mindfulSessions: scanner.mindfulSessions
            ))
        }
        do {
            while true {
                if start > 0 {
                    buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                    offset += Int64(start)
                    end -= start
                    start = 0
                }
                if end == buffer.count {
                    guard buffer.count < Self.largestTag else {
                        throw HealthExportError.malformed("the tag at byte \(offset) is longer than \(Self.largestTag >> 20) MB")
                    }
                    let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
                    larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                    buffer.deallocate()
                    buffer = larger
                }
                let count = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
                if count == 0 { break }
                end += count
                start = try scanner.scan(UnsafeRawBufferPointer(rebasing: buffer[..<end]), offset: offset, emit: onRecord)
                if source.bytesConsumed >= nextReport {
                    report()
                    nextReport = (source.bytesConsumed / Self.progressInterval + 1) * Self.progressInterval
                }
            }
            try scanner.finish(length: offset + Int64(end))
        } catch let error as HealthExportError {
            // Damaged deflate data can inflate to plausible garbage that the scanner trips
            // over before the CRC is reached: read on, so the archive's own check names it.
            switch error {
            case .malformed, .truncated:
                if source is ZipEntryStream { try Self.drain(&source, into: buffer) }
            default:
                break
            }
            throw error
        }
        report()
        return HealthExportSummary(
            workouts: scanner.workouts, mindfulSessions: scanner.mindfulSessions, xmlName: name,
            xmlBytes: offset + Int64(end), exportDate: scanner.exportDate, locale: scanner.locale
        )
    }

    private static func drain<Source: ByteSource>(_ source: inout Source, into buffer: UnsafeMutableRawBufferPointer) throws(HealthExportError) {
        while try source.read(into: buffer) > 0 {}
    }

    // MARK: - Finding the XML

    private static func isZipSignature(_ head: [UInt8]) -> Bool {
        // A local file header, or the end record of an empty archive.
        head.count == 4 && head[0] == 0x50 && head[1] == 0x4B
            && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))
    }

    private static func looksLikeHealthExport(_ file: InputFile) throws(HealthExportError) -> Bool {
        try file.read(count: sniffLength, at: 0).withUnsafeBytes { HealthXMLScanner.looksLikeHealthExport($0) }
    }

    /// The largest `.xml` entry that opens a `HealthData` document. `__MACOSX/` AppleDouble
    /// files and `export_cda.xml` (a clinical document, often not even well-formed) are passed over.
    private static func findXML(inArchive file: InputFile) throws(HealthExportError) -> ZipEntry {
        let entries = try ZipDirectory.entries(in: file)
        let candidates = entries
            .filter { isCandidateXML(name: $0.name, insideArchive: true) }
            .sorted { $0.uncompressedSize > $1.uncompressedSize }
        for entry in candidates {
            var stream = try ZipEntryStream(entry: entry, in: file)
            let prefix = try stream.readPrefix(sniffLength)
            if prefix.withUnsafeBytes({ HealthXMLScanner.looksLikeHealthExport($0) }) { return entry }
        }
        throw .notAHealthExport("the archive holds \(entries.count) files, none of them Apple Health export XML")
    }

    /// The folder itself, then its subfolders, so both `apple_health_export/` and the folder
    /// it was unzipped into work.
    private static func findXML(inFolder folder: String) throws(HealthExportError) -> String {
        let files = FileManager.default
        let folderURL = URL(fileURLWithPath: folder, isDirectory: true)
        func children(of url: URL) -> [URL] {
            let found = try? files.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey, .fileSizeKey])
            return (found ?? []).sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        func isFolder(_ url: URL) -> Bool {
            (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
        }
        let top = children(of: folderURL)
        let subfolders = top.filter { isFolder($0) && !$0.lastPathComponent.hasPrefix(".") && $0.lastPathComponent != "__MACOSX" }
        for candidates in [top, subfolders.flatMap(children(of:))] {
            let xmlFiles = candidates
                .filter { !isFolder($0) && isCandidateXML(name: $0.lastPathComponent, insideArchive: false) }
                .sorted { (fileSize($0) ?? 0) > (fileSize($1) ?? 0) }
            for url in xmlFiles where try looksLikeHealthExport(InputFile(path: url.path)) {
                return url.path
            }
        }
        throw .notAHealthExport("the folder \(folder) holds no Apple Health export XML")
    }

    private static func fileSize(_ url: URL) -> Int? {
        try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize
    }

    private static func isCandidateXML(name: String, insideArchive: Bool) -> Bool {
        let fileName = name.split(separator: "/").last.map(String.init) ?? name
        if insideArchive, name.hasPrefix("__MACOSX/") { return false }
        return fileName.lowercased().hasSuffix(".xml") && !fileName.hasPrefix("._") && fileName.lowercased() != "export_cda.xml"
    }
}
