/// How far a read has come. Bytes are those of the file on disk: compressed bytes for a zip.
public struct HealthExportProgress: Sendable, Equatable {
    public var bytesRead: Int64
    public var totalBytes: Int64
    public var workouts: Int
    public var mindfulSessions: Int

    public var fractionCompleted: Double {
        totalBytes > 0 ? min(1, Double(bytesRead) / Double(totalBytes)) : 1
    }
}

/// What a finished read found; returned only when the whole export was read without error.
public struct HealthExportSummary: Sendable, Equatable {
    public var workouts: Int
    public var mindfulSessions: Int
    /// The export XML that was read: its name inside the archive, or its path.
    public var xmlName: String
    /// Size of the XML read, in bytes.
    public var xmlBytes: Int64
    /// `<ExportDate value=...>`, when present.
    public var exportDate: HealthTimestamp?
    /// `<HealthData locale=...>`, e.g. "nl_NL", when present.
    public var locale: String?
}
