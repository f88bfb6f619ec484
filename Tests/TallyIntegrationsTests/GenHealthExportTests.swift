import Foundation
import Testing
@testable import TallyIntegrations

/// The package's export generator (Sources/gen-health-export), run as a process: every Apple
/// Health test stands on its archives and its manifest.
@Suite struct GenHealthExportTests {
    /// The XML inside a zip, inflated by the reader's own zip code.
    func inflatedXML(_ archive: URL, name: String) throws -> Data {
        let file = try InputFile(path: archive.path)
        let entry = try #require(try ZipDirectory.entries(in: file).first { $0.name == name })
        #expect(entry.method == ZipEntry.deflated)
        let stream = try ZipEntryStream(entry: entry, in: file)
        var data = Data()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = try stream.read(into: buffer)
            if count == 0 { return data }
            data.append(contentsOf: buffer[..<count])
        }
    }

    @Test("the same seed gives the same bytes; the zip, the folder and the bare XML hold one document")
    func sameSeedSameBytes() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let flags = ["--quirks", "all", "--xml-name", "eksport.xml", "--offset", "-0330"]
        try HealthExportFixtures.generate(folder.file("a.zip"), sizeMB: 1, seed: 5, arguments: flags)
        try HealthExportFixtures.generate(folder.file("b.zip"), sizeMB: 1, seed: 5, arguments: flags)
        try HealthExportFixtures.generate(folder.file("c.zip"), sizeMB: 1, seed: 6, arguments: flags)
        try HealthExportFixtures.generate(folder.file("a.xml"), sizeMB: 1, seed: 5, arguments: flags)
        try HealthExportFixtures.generate(folder.url.appendingPathComponent("unzipped", isDirectory: true), sizeMB: 1, seed: 5, arguments: flags)

        let archive = try Data(contentsOf: folder.file("a.zip"))
        #expect(archive == (try Data(contentsOf: folder.file("b.zip"))))
        #expect(archive != (try Data(contentsOf: folder.file("c.zip"))))
        let xml = try Data(contentsOf: folder.file("a.xml"))
        #expect(try inflatedXML(folder.file("a.zip"), name: "apple_health_export/eksport.xml") == xml)
        #expect(try Data(contentsOf: folder.file("unzipped/apple_health_export/eksport.xml")) == xml)
        for name in ["a", "b", "unzipped"] {
            #expect(try Data(contentsOf: folder.file("\(name).manifest.json")) == (try Data(contentsOf: folder.file("a.manifest.json"))))
        }
    }

    @Test("the manifest holds every key, and its totals are what the reader and the XML hold")
    func manifestIsTheTruth() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let unzipped = folder.url.appendingPathComponent("unzipped", isDirectory: true)
        let manifest = try HealthExportFixtures.generate(unzipped, sizeMB: 2, seed: 17, arguments: ["--quirks", "legacy,vt,macosx", "--xml-name", "导出.xml"])
        let xmlPath = unzipped.appendingPathComponent("apple_health_export/导出.xml").path
        #expect(try HealthExportReader(path: unzipped.path).input == .xmlFile(path: xmlPath))
        try ReadResult(path: unzipped.path).expectMatches(manifest)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.file("unzipped.manifest.json"))) as? [String: Any])
        #expect(Set(json.keys) == ["by_seed_category", "mindful", "offset", "quirks", "records_top_level", "workout_count", "workouts", "xml_name"])
        #expect(manifest.quirks == ["legacy", "macosx", "vt"])
        #expect(manifest.offset == "+0100" && manifest.xmlName == "导出.xml")
        #expect(manifest.workoutCount == manifest.workouts.values.map(\.count).reduce(0, +))

        // Top-level records sit one space in; those inside a Correlation two. Mindful sessions
        // are counted apart.
        let lines = try String(contentsOfFile: xmlPath, encoding: .utf8).split(separator: "\n")
        let topLevel = lines.filter { $0.hasPrefix(" <Record ") }.count
        #expect(topLevel - manifest.mindful.count == manifest.recordsTopLevel)
        #expect(lines.filter { $0.hasPrefix(" <Correlation ") }.count * 2 == lines.filter { $0.hasPrefix("  <Record ") }.count)
        #expect(lines.contains { $0.contains("\u{0B}") })
        #expect(FileManager.default.fileExists(atPath: unzipped.appendingPathComponent("__MACOSX/apple_health_export/._导出.xml").path))
    }

    @Test("another zip reader opens the archive: every entry deflated, every CRC right")
    func independentZipReader() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 1, arguments: ["--quirks", "macosx,cda-junk"])
        let script = """
            import sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                assert z.testzip() is None
                for info in z.infolist():
                    assert info.compress_type == zipfile.ZIP_DEFLATED, info
                    print(info.filename)
            """
        let output = try HealthExportFixtures.output("/usr/bin/env", ["python3", "-c", script, archive.path])
        #expect(output.split(separator: "\n") == [
            "apple_health_export/export.xml", "apple_health_export/export_cda.xml",
            "apple_health_export/workout-routes/route_2023-01-01_7.00am.gpx",
            "apple_health_export/electrocardiograms/ecg_2023-01-02.csv", "__MACOSX/apple_health_export/._export.xml",
        ])
    }

    @Test("a wrong command line is one line on stderr, exit status 2, and nothing written", arguments: [
        [], ["--size-mb"], ["--size-mb", "many"], ["--size-mb", "-1"], ["--seed", "1.5"], ["--offset", "0100"],
        ["--offset", "+2500"], ["--quirks", "legacy,nope"], ["--colour"], ["-v"], ["second.zip"], ["--xml-name", "a/b.xml"],
    ])
    func badCommandLine(arguments: [String]) throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let out = folder.file("export.zip")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try HealthExportFixtures.generatorPath())
        process.arguments = (arguments.isEmpty ? [] : [out.path]) + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.hasPrefix("gen-health-export: error: ") && message.hasSuffix("\n"), "\(message)")
        #expect(message.split(separator: "\n").count == 1, "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
