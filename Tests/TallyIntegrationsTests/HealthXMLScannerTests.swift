import Testing
@testable import TallyIntegrations

/// The scanner on hand-written documents, fed in pieces of several sizes so that every
/// construct is also split across pieces.
@Suite struct HealthXMLScannerTests {
    static let pieceSizes = [1, 7, 64, 1 << 20]

    static let goodDTD = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE HealthData [
    <!-- HealthKit Export Version: 14 -->
    <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
    <!ATTLIST HealthData
      locale CDATA #REQUIRED
    >
    <!-- Note: Any Records that appear as children of a correlation also appear as top-level records. -->
    ]>

    """

    /// Export Version 12's DTD: the VisionPrescription ATTLIST is never closed.
    static let brokenDTD = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE HealthData [
    <!-- HealthKit Export Version: 12 -->
    <!ELEMENT VisionPrescription ((RightEye|LeftEye|Attachment|MetadataEntry)*)>
    <!ATTLIST VisionPrescription
      type             CDATA #REQUIRED
      brand            CDATA #IMPLIED
    <!ELEMENT RightEye EMPTY>
    <!ATTLIST RightEye
      sphere           CDATA #IMPLIED
    >
    <!ELEMENT LeftEye EMPTY>
    >
    ]>

    """

    static let run = """
     <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="30.5" durationUnit="min" sourceName="Watch" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100">
      <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>
     </Workout>

    """

    static let mindful = """
     <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="Breathe" startDate="2023-01-05 09:00:00 +0100" endDate="2023-01-05 09:10:00 +0100"/>

    """

    struct Scanned {
        var records: [HealthRecord] = []
        var scanner = HealthXMLScanner()

        var workouts: [HealthWorkout] {
            records.compactMap { if case .workout(let workout) = $0 { workout } else { nil } }
        }

        var sessions: [HealthMindfulSession] {
            records.compactMap { if case .mindfulSession(let session) = $0 { session } else { nil } }
        }
    }

    /// Feeds `xml` in pieces of `pieceSize` bytes the way the reader does, then ends it.
    func scan(_ xml: String, pieceSize: Int) throws -> Scanned {
        let bytes = Array(xml.utf8)
        var scanned = Scanned()
        var pending: [UInt8] = []
        var offset: Int64 = 0
        var position = 0
        while position < bytes.count {
            pending += bytes[position..<min(position + pieceSize, bytes.count)]
            position += pieceSize
            let consumed = try pending.withUnsafeBytes { buffer in
                try scanned.scanner.scan(buffer, offset: offset) { scanned.records.append($0) }
            }
            pending.removeFirst(consumed)
            offset += Int64(consumed)
        }
        try scanned.scanner.finish(length: offset + Int64(pending.count))
        return scanned
    }

    func document(_ body: String, dtd: String = goodDTD) -> String {
        dtd + "<HealthData locale=\"en_GB\">\n <ExportDate value=\"2026-11-01 10:30:00 +0100\"/>\n <Me HKCharacteristicTypeIdentifierDateOfBirth=\"\"/>\n" + body + "</HealthData>\n"
    }

    @Test("the DTD is skipped, well-formed, malformed or absent", arguments: pieceSizes)
    func skipsDTD(pieceSize: Int) throws {
        for dtd in [Self.goodDTD, Self.brokenDTD, "", "<?xml version=\"1.0\"?>\n<!-- no DTD -->\n"] {
            let scanned = try scan(document(Self.run + Self.mindful, dtd: dtd), pieceSize: pieceSize)
            #expect(scanned.workouts.count == 1 && scanned.sessions.count == 1)
            #expect(scanned.scanner.locale == "en_GB")
            #expect(scanned.scanner.exportDate == HealthTimestamp("2026-11-01 10:30:00 +0100"))
        }
    }

    @Test("a workout with its time zone, and a mindful session", arguments: pieceSizes)
    func readsRecords(pieceSize: Int) throws {
        let scanned = try scan(document(Self.run + Self.mindful), pieceSize: pieceSize)
        let start = try #require(HealthTimestamp("2023-01-05 07:30:00 +0100"))
        #expect(scanned.records == [
            .workout(HealthWorkout(
                activityType: "HKWorkoutActivityTypeRunning", activityName: "Running", sourceName: "Watch",
                start: start, end: try #require(HealthTimestamp("2023-01-05 08:05:00 +0100")),
                duration: HealthQuantity(value: 30.5, unit: "min"), timeZone: "Europe/Amsterdam"
            )),
            .mindfulSession(HealthMindfulSession(
                sourceName: "Breathe", start: try #require(HealthTimestamp("2023-01-05 09:00:00 +0100")),
                end: try #require(HealthTimestamp("2023-01-05 09:10:00 +0100"))
            )),
        ])
        #expect(scanned.workouts.first?.elapsedSeconds == Int64(35 * 60))
        #expect(scanned.workouts.first?.durationSeconds == 1830)
    }

    @Test("distance and energy from statistics, unless attributes give them", arguments: pieceSizes)
    func statistics(pieceSize: Int) throws {
        let body = """
         <Workout workoutActivityType="HKWorkoutActivityTypeSwimBikeRun" sourceName="W" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 09:00:00 +0100">
          <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 09:00:00 +0100" average="140" unit="count/min"/>
          <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceSwimming" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 09:00:00 +0100" sum="1500" unit="m"/>
          <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceCycling" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 09:00:00 +0100" sum="40" unit="km"/>
          <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 09:00:00 +0100" sum="812.5" unit="kcal"/>
         </Workout>
         <Workout workoutActivityType="HKWorkoutActivityTypeWalking" totalDistance="3.2" totalDistanceUnit="km" totalEnergyBurned="150" totalEnergyBurnedUnit="Cal" sourceName="W" startDate="2023-01-06 07:30:00 +0100" endDate="2023-01-06 08:30:00 +0100">
          <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" startDate="2023-01-06 07:30:00 +0100" endDate="2023-01-06 08:30:00 +0100" sum="9" unit="mi"/>
          <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2023-01-06 07:30:00 +0100" endDate="2023-01-06 08:30:00 +0100" sum="999" unit="kJ"/>
         </Workout>

        """
        let workouts = try scan(document(body), pieceSize: pieceSize).workouts
        #expect(workouts.map(\.totalDistance) == [HealthQuantity(value: 1500, unit: "m"), HealthQuantity(value: 3.2, unit: "km")])
        #expect(workouts.map(\.totalEnergyBurned) == [HealthQuantity(value: 812.5, unit: "kcal"), HealthQuantity(value: 150, unit: "Cal")])
        #expect(workouts.map(\.activityName) == ["Swim Bike Run", "Walking"])
    }

    @Test("only direct children of HealthData count, and only a workout's own metadata", arguments: pieceSizes)
    func nesting(pieceSize: Int) throws {
        let body = """
         <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 07:30:00 +0100">
          <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="S" startDate="2023-01-05 09:00:00 +0100" endDate="2023-01-05 09:10:00 +0100"/>
          <Workout workoutActivityType="HKWorkoutActivityTypeYoga" sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100"/>
         </Correlation>
         <Workout workoutActivityType="HKWorkoutActivityTypeYoga" sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100">
          <WorkoutEvent type="HKWorkoutEventTypePause" date="2023-01-05 07:40:00 +0100">
           <MetadataEntry key="HKTimeZone" value="Wrong/Nested"/>
          </WorkoutEvent>
          <WorkoutRoute sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100">
           <MetadataEntry key="HKTimeZone" value="Wrong/Route"/>
           <FileReference path="/workout-routes/route.gpx"/>
          </WorkoutRoute>
          <MetadataEntry key="HKIndoorWorkout" value="1"/>
         </Workout>
         <Record type="HKQuantityTypeIdentifierHeartRateVariabilitySDNN" sourceName="S" unit="ms" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 07:31:00 +0100" value="40">
          <HeartRateVariabilityMetadataList>
           <InstantaneousBeatsPerMinute bpm="60" time="7:30:00.00 AM"/>
          </HeartRateVariabilityMetadataList>
         </Record>

        """
        let scanned = try scan(document(body), pieceSize: pieceSize)
        #expect(scanned.sessions.isEmpty)
        #expect(scanned.workouts.count == 1)
        #expect(scanned.workouts.first?.timeZone == nil)
    }

    @Test("comments, CDATA, processing instructions, quoted `>`, single quotes, entities, control characters", arguments: pieceSizes)
    func tolerates(pieceSize: Int) throws {
        let body = """
         <!-- <Workout workoutActivityType="HKWorkoutActivityTypeRunning" sourceName="commented out"/> -->
         <?processing <Workout?>
         <![CDATA[ <Record type="HKCategoryTypeIdentifierMindfulSession"/> ]]>
         <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Weegschaal\u{0B} App" device="a > b" value="1" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 07:30:00 +0100"/>
         <Workout workoutActivityType='HKWorkoutActivityTypeUnderwaterBasketWeaving' sourceName = 'Jan&apos;s &amp; &#x231A; "Watch"&#8217;s &lt;3 a > b&#11;'
            startDate="2023-01-05 07:30:00 +0100"	endDate="2023-01-05 08:05:00 +0100" />
         <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="Tést\u{0B}😀" startDate="2023-01-05 09:00:00 +0100" endDate="2023-01-05 09:10:00 +0100"></Record>
         <ActivitySummary dateComponents="2023-01-05"/>

        """
        let scanned = try scan(document(body), pieceSize: pieceSize)
        #expect(scanned.workouts.map(\.sourceName) == ["Jan's & \u{231A} \"Watch\"\u{2019}s <3 a > b\u{0B}"])
        #expect(scanned.workouts.map(\.activityType) == ["HKWorkoutActivityTypeUnderwaterBasketWeaving"])
        #expect(scanned.workouts.map(\.activityName) == ["Underwater Basket Weaving"])
        #expect(scanned.sessions.map(\.sourceName) == ["Tést\u{0B}😀"])
    }

    @Test("an empty export is a complete one", arguments: pieceSizes)
    func empty(pieceSize: Int) throws {
        #expect(try scan(Self.goodDTD + "<HealthData locale=\"en\"/>\n", pieceSize: pieceSize).records.isEmpty)
        #expect(try scan(document(""), pieceSize: pieceSize).records.isEmpty)
    }

    @Test("unclosed documents are truncated", arguments: pieceSizes)
    func truncated(pieceSize: Int) throws {
        let whole = document(Self.run + Self.mindful)
        for length in [Self.goodDTD.utf8.count - 5, Self.goodDTD.utf8.count + 20, whole.utf8.count - 40, whole.utf8.count - 3] {
            let cut = String(decoding: whole.utf8.prefix(length), as: UTF8.self)
            let error = #expect(throws: HealthExportError.self) { try scan(cut, pieceSize: pieceSize) }
            #expect(error.map(Self.isTruncated) == true, "cut at \(length): \(String(describing: error))")
        }
        let insideWorkout = document(Self.run).components(separatedBy: "<MetadataEntry").first!
        let error = #expect(throws: HealthExportError.self) { try scan(insideWorkout, pieceSize: pieceSize) }
        #expect(error?.description.contains("inside the <Workout> at byte") == true)
    }

    @Test("kept elements missing what the import needs are malformed", arguments: [
        #" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" sourceName="S" endDate="2023-01-05 08:05:00 +0100"/>"#,
        #" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" sourceName="S" startDate="2023-01-05T07:30:00Z" endDate="2023-01-05 08:05:00 +0100"/>"#,
        #" <Workout sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100"/>"#,
        #" <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="ten" sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100"/>"#,
        #" <Record type="HKCategoryTypeIdentifierMindfulSession" startDate="2023-01-05 07:30:00 +0100" endDate="2023-01-05 08:05:00 +0100"/>"#,
        #" <Record type="HKCategoryTypeIdentifierMindfulSession" sourceName="S" startDate="2023-01-05 07:30:00 +0100" endDate=""/>"#,
        #" <Record type=HKCategoryTypeIdentifierMindfulSession/>"#,
        #" <Record type/>"#,
        " </Stray>",
        " < Record/>",
        " <!DOCTYPE again>",
    ])
    func malformed(body: String) throws {
        for pieceSize in Self.pieceSizes {
            let error = #expect(throws: HealthExportError.self) { try scan(document(body + "\n"), pieceSize: pieceSize) }
            #expect(error.map(Self.isMalformed) == true, "\(String(describing: error))")
        }
    }

    static func isTruncated(_ error: HealthExportError) -> Bool {
        if case .truncated = error { true } else { false }
    }

    static func isMalformed(_ error: HealthExportError) -> Bool {
        if case .malformed = error { true } else { false }
    }

    @Test("only documents that open with HealthData markup are taken for exports")
    func sniffing() {
        func looks(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBytes { HealthXMLScanner.looksLikeHealthExport($0) }
        }
        #expect(looks(Self.goodDTD))
        #expect(looks("\u{FEFF}\n  <HealthData locale=\"en\">"))
        #expect(!looks("<?xml version=\"1.0\"?><ClinicalDocument/>"))
        #expect(!looks("Notes about <HealthData> exports"))
        #expect(!looks(""))
    }
}
