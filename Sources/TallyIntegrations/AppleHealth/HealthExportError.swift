/// Why an Apple Health export could not be read. Every case means "import nothing": the reader
/// never hands back a partial result as if it were whole.
public enum HealthExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The path does not exist or cannot be read.
    case cannotOpen(path: String, reason: String)
    /// Readable, but not an "Export All Health Data" archive, folder or XML.
    case notAHealthExport(String)
    /// The archive or the XML stops before its end: an interrupted download or copy.
    case truncated(String)
    /// The archive's bytes are damaged: a checksum, size or deflate stream does not add up.
    case corruptArchive(String)
    /// A zip feature no Health export uses (encryption, other compression, split archives).
    case unsupportedArchive(String)
    /// The XML is complete but something the import needs is missing or unreadable.
    case malformed(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "Cannot open \(path): \(reason)."
        case .notAHealthExport(let reason): "Not an Apple Health export: \(reason)."
        case .truncated(let reason): "The Apple Health export is incomplete: \(reason)."
        case .corruptArchive(let reason): "The export archive is damaged: \(reason)."
        case .unsupportedArchive(let reason): "The export archive uses an unsupported zip feature: \(reason)."
        case .malformed(let reason): "The Apple Health export cannot be read: \(reason)."
        }
    }
}
