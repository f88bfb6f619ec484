/// Where the export's files go, named as inside the archive (`apple_health_export/...`): the
/// entries of a zip, or the files an unzip of it makes under a folder.
protocol ExportFiles {
    /// Creates `name` and hands `body` the sink its bytes go to.
    func stream(_ name: String, _ body: (any ByteSink) throws -> Void) throws
    func add(_ name: String, contents: [UInt8]) throws
    func finish() throws
}

/// A deflated export.zip.
struct ZipExportFiles: ExportFiles {
    let zip: ZipWriter

    init(path: String) throws {
        zip = try ZipWriter(path: path)
    }

    func stream(_ name: String, _ body: (any ByteSink) throws -> Void) throws {
        // Real exports reach gigabytes: the XML's local header makes room for ZIP64 sizes.
        try zip.begin(name, zip64: true)
        try body(zip)
        try zip.end()
    }

    func add(_ name: String, contents: [UInt8]) throws {
        try zip.add(name, contents: contents)
    }

    func finish() throws {
        try zip.finish()
    }
}

/// The unzipped archive: the same files under a folder.
struct FolderExportFiles: ExportFiles {
    let folder: String

    init(folder: String) {
        self.folder = folder.hasSuffix("/") ? folder : folder + "/"
    }

    private func create(_ name: String) throws -> OutputFile {
        let path = folder + name
        if let slash = path.lastIndex(of: "/") { try OutputFile.makeFolders(String(path[..<slash])) }
        return try OutputFile(path: path)
    }

    func stream(_ name: String, _ body: (any ByteSink) throws -> Void) throws {
        try body(try create(name))
    }

    func add(_ name: String, contents: [UInt8]) throws {
        try create(name).write(contents)
    }

    func finish() throws {}
}
