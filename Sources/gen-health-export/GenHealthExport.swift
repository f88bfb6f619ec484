#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a synthetic Apple Health "Export All Health Data" export with its ground truth, for
/// the tests and bench/health. See `Arguments.usage`.
@main
enum GenHealthExport {
    static func main() {
        let arguments: Arguments
        do {
            arguments = try Arguments(Array(CommandLine.arguments.dropFirst()), isDirectory: OutputFile.isDirectory)
        } catch {
            switch error {
            case .help:
                print(Arguments.usage)
                exit(0)
            case .invalid(let message):
                printError("gen-health-export: error: \(message) (see --help)")
                exit(2)
            }
        }
        do {
            let manifest = try run(arguments)
            printError("\(arguments.out): \(manifest.workoutCount) workouts, \(manifest.mindful.count) mindful sessions, "
                + "\(manifest.recordsTopLevel) other top-level records")
        } catch {
            printError("gen-health-export: \(error)")
            exit(1)
        }
    }

    static func run(_ arguments: Arguments) throws -> Manifest {
        var document = ExportDocument(
            targetBytes: arguments.targetBytes, seed: arguments.seed, offset: arguments.offset, quirks: arguments.quirks
        )
        func writeXML(to sink: any ByteSink) throws {
            var text = TextBuffer(sink: sink)
            try document.write(to: &text)
        }
        switch arguments.form {
        case .xml:
            try writeXML(to: try OutputFile(path: arguments.out))
        case .zip:
            try writeArchive(ZipExportFiles(path: arguments.out), arguments, writeXML)
        case .folder:
            try writeArchive(FolderExportFiles(folder: arguments.out), arguments, writeXML)
        }
        if let path = arguments.manifest {
            let json = document.manifest.json(offset: arguments.offset, quirks: arguments.quirks, xmlName: arguments.xmlName)
            try OutputFile(path: path).write(Array(json.text().utf8))
        }
        return document.manifest
    }

    /// One line to standard error.
    private static func printError(_ line: String) {
        var text = line + "\n"
        text.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// The export XML first, then what sits beside it in a real archive.
    private static func writeArchive(
        _ files: some ExportFiles, _ arguments: Arguments, _ writeXML: (any ByteSink) throws -> Void
    ) throws {
        try files.stream("apple_health_export/" + arguments.xmlName, writeXML)
        let clinical = ExportContent.clinicalDocument(junk: arguments.quirks.contains(.cdaJunk))
        try files.add("apple_health_export/export_cda.xml", contents: Array(clinical.utf8))
        try files.add("apple_health_export/" + ExportContent.route.name, contents: Array(ExportContent.route.contents.utf8))
        try files.add("apple_health_export/" + ExportContent.electrocardiogram.name, contents: Array(ExportContent.electrocardiogram.contents.utf8))
        if arguments.quirks.contains(.macOSX) {
            try files.add("__MACOSX/apple_health_export/._" + arguments.xmlName, contents: ExportContent.appleDouble)
        }
        try files.finish()
    }
}
