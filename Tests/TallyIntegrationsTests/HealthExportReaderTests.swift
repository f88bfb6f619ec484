import Foundation
import Testing
@testable import TallyIntegrations

/// Reads generated exports in every shape a user can hand over and holds the totals to the
/// generator's manifest.
@Suite struct HealthExportReaderTests {
    @Test("a zip with every quirk and a localised XML name", arguments: ["eksport.xml", "导出.xml"])
    func zipWithQuirks(xmlName: String) throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        let manifest = try HealthExportFixtures.generate(archive, sizeMB: 4, seed: 7, arguments: ["--quirks", "all", "--xml-name", xmlName])
        #expect(manifest.quirks.contains("broken-dtd") && manifest.quirks.contains("macosx"))

        #expect(try HealthExportReader(path: archive.path).input == .archiveEntry("apple_health_export/\(xmlName)"))
        let result = try ReadResult(path: archive.path)
        result.expectMatches(manifest)
        #expect(result.summary.locale == "nl_NL")
        #expect(result.summary.exportDate?.description == "2026-11-01 10:30:00 +0100")
    }

    @Test("the unzipped folder, or the folder it was unzipped into")
    func folder() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let exportFolder = folder.file("apple_health_export")
        try FileManager.default.createDirectory(at: exportFolder, withIntermediateDirectories: true)
        let manifest = try HealthExportFixtures.generate(exportFolder.appendingPathComponent("exportar.xml"), seed: 3, arguments: ["--quirks", "broken-dtd,vt"])
        try Data("<?xml version=\"1.0\"?>\n<ClinicalDocument/>\n<component/>\n".utf8).write(to: exportFolder.appendingPathComponent("export_cda.xml"))
        try FileManager.default.removeItem(at: exportFolder.appendingPathComponent("exportar.manifest.json"))

        for path in [exportFolder.path, folder.url.path] {
            #expect(try HealthExportReader(path: path).input == .xmlFile(path: exportFolder.appendingPathComponent("exportar.xml").path))
            try ReadResult(path: path).expectMatches(manifest)
        }
    }

    @Test("the bare XML, with a negative offset")
    func bareXML() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        let manifest = try HealthExportFixtures.generate(xml, seed: 11, arguments: ["--quirks", "broken-dtd,vt,legacy", "--offset", "-0700"])
        let result = try ReadResult(path: xml.path)
        result.expectMatches(manifest)
        #expect(result.workouts.allSatisfy { $0.start.utcOffsetSeconds == -7 * 3600 && $0.end.utcOffsetSeconds == -7 * 3600 })
        #expect(result.mindfulSessions.allSatisfy { $0.start.utcOffsetSeconds == -7 * 3600 })
    }

    @Test("what each workout carries besides its times")
    func workoutDetails() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 6, seed: 5, arguments: ["--quirks", "legacy"])
        let workouts = try ReadResult(path: archive.path).workouts
        #expect(workouts.count >= 5)
        #expect(workouts.allSatisfy { $0.timeZone == "Europe/Amsterdam" })
        #expect(workouts.allSatisfy { $0.sourceName == "Test\u{2019}s Apple Watch \u{231A}" || $0.sourceName == "Strava" })
        #expect(workouts.allSatisfy { WorkoutActivityNames.isKnown($0.activityType) })
        #expect(workouts.allSatisfy { $0.duration?.unit == "min" })
        #expect(workouts.allSatisfy { ($0.durationSeconds ?? .infinity) <= Double($0.elapsedSeconds) + 0.001 })
        // Legacy workouts hold distance and energy as attributes; other watch workouts hold
        // energy in statistics; other Strava workouts hold neither.
        let legacy = workouts.filter { $0.totalDistance != nil }
        #expect(!legacy.isEmpty && legacy.allSatisfy { $0.totalDistance?.unit == "km" && $0.totalEnergyBurned?.unit == "Cal" })
        let modern = workouts.filter { $0.totalDistance == nil }
        #expect(modern.filter { $0.sourceName == "Strava" }.allSatisfy { $0.totalEnergyBurned == nil })
        #expect(modern.filter { $0.sourceName != "Strava" }.allSatisfy { $0.totalEnergyBurned?.unit == "Cal" })
        #expect(modern.contains { $0.totalEnergyBurned != nil })
    }

    @Test("ZIP64 records, data descriptors and stored entries", arguments: [(false, false, true), (true, false, false), (true, true, false), (false, true, true)])
    func zipVariants(zip64: Bool, streamed: Bool, stored: Bool) throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("vienti.xml")
        let manifest = try HealthExportFixtures.generate(xml, sizeMB: 2, seed: 13, arguments: ["--quirks", "broken-dtd"])
        let cda = folder.file("cda.xml")
        try Data("<ClinicalDocument/>".utf8).write(to: cda)
        let archive = folder.file("export.zip")
        try HealthExportFixtures.zip(
            [("apple_health_export/export_cda.xml", cda.path), ("apple_health_export/vienti.xml", xml.path)],
            to: archive, stored: stored, zip64: zip64, streamed: streamed
        )
        try ReadResult(path: archive.path).expectMatches(manifest)
    }

    @Test("progress comes about every megabyte of the file, ending at the whole")
    func progress() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        let manifest = try HealthExportFixtures.generate(xml, sizeMB: 5, seed: 2)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: xml.path)[.size] as? Int64)
        let progress = try ReadResult(path: xml.path).progress
        #expect(progress.count >= Int(size >> 20) && progress.count <= Int(size >> 20) + 2)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0.bytesRead <= $1.bytesRead && $0.workouts <= $1.workouts })
        #expect(progress.last == HealthExportProgress(bytesRead: size, totalBytes: size, workouts: manifest.workoutCount, mindfulSessions: manifest.mindful.count))
    }

    @Test("an error thrown while taking a record stops the read and comes back as is")
    func callerError() throws {
        struct Stop: Error {}
        let folder = try HealthExportFixtures.temporaryFolder()
        let archive = folder.file("export.zip")
        try HealthExportFixtures.generate(archive, sizeMB: 2, seed: 4)
        var seen = 0
        #expect(throws: Stop.self) {
            try HealthExportReader(path: archive.path).read { _ in
                seen += 1
                if seen == 3 { throw Stop() }
            }
        }
        #expect(seen == 3)
    }
}

/// Tags longer than the reader's first buffer make it grow, up to a bound.
@Suite struct HealthExportLongTagTests {
    func export(sourceNameBytes: Int) -> Data {
        let workout = " <Workout workoutActivityType=\"HKWorkoutActivityTypeYoga\" sourceName=\"\(String(repeating: "a", count: sourceNameBytes))\""
            + " startDate=\"2023-01-05 07:30:00 +0100\" endDate=\"2023-01-05 08:05:00 +0100\"/>\n"
        return Data(("<?xml version=\"1.0\"?>\n<HealthData locale=\"en\">\n" + workout + "</HealthData>\n").utf8)
    }

    @Test("a 3 MB tag is read whole")
    func longTag() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        try export(sourceNameBytes: 3 << 20).write(to: xml)
        let result = try ReadResult(path: xml.path)
        #expect(result.workouts.map(\.sourceName.utf8.count) == [3 << 20])
    }

    @Test("a tag beyond 16 MB is refused, not buffered without end")
    func endlessTag() throws {
        let folder = try HealthExportFixtures.temporaryFolder()
        let xml = folder.file("export.xml")
        try export(sourceNameBytes: 17 << 20).write(to: xml)
        let error = #expect(throws: HealthExportError.self) { try ReadResult(path: xml.path) }
        #expect(error?.description.contains("longer than 16 MB") == true)
    }
}
