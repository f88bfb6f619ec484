/// Writes export.xml: the DTD, then records drawn from a seeded generator until the wanted size
/// is reached, then one ActivitySummary a day, keeping count of what a reader must find.
///
/// Time runs forward from 2023-01-01 06:00 UTC, about 1,500 samples a day as from a watch
/// wearer. Every timestamp is printed with the one fixed offset, as real exports do: the instant
/// is right, the wall clock is the exporting phone's offset, not the one in force at the time.
/// Workouts carry HKTimeZone metadata (Europe/Amsterdam), so a reader can find the true local day.
struct ExportDocument {
    let targetBytes: Int
    let offset: UTCOffset
    let quirks: Set<Quirk>
    private var draws: Draws
    private(set) var manifest = Manifest()
    /// The current instant, seconds since 1970 (UTC).
    private var now = CivilTime.seconds(year: 2023, month: 1, day: 1, hour: 6)
    private var verticalTabDone: Bool

    private static let firstDay = CivilTime.seconds(year: 2023, month: 1, day: 1)
    private static let exportDate = CivilTime.seconds(year: 2026, month: 11, day: 1, hour: 9, minute: 30)
    private static let workoutTypes = WeightedChoice(ExportContent.workouts.map { ($0, weight: $0.weight) })
    private static let quantityTypes = WeightedChoice(ExportContent.quantities.map { ($0, weight: $0.weight) })

    init(targetBytes: Int, seed: Int64, offset: UTCOffset, quirks: Set<Quirk>) {
        self.targetBytes = targetBytes
        self.offset = offset
        self.quirks = quirks
        draws = Draws(seed: seed)
        verticalTabDone = !quirks.contains(.verticalTab)
    }

    mutating func write(to out: inout TextBuffer) throws {
        try out.append(ExportContent.dtdHead)
        try out.append(quirks.contains(.brokenDTD) ? ExportContent.brokenDTDTail : ExportContent.goodDTDTail)
        try out.append("<HealthData locale=\"nl_NL\">\n <ExportDate value=\"")
        try out.append(timestamp: Self.exportDate, offset: offset)
        try out.append("\"/>\n")
        try out.append(ExportContent.meElement)
        let bodyStart = out.written
        while out.written - bodyStart < Int64(targetBytes) {
            let pick = draws.unit()
            if pick < 0.0015 {
                try workout(&out)
            } else if pick < 0.0035 {
                try mindfulSession(&out)
            } else if pick < 0.005 {
                try bloodPressure(&out)
            } else if pick < 0.008 {
                try heartRateVariability(&out)
            } else if pick < 0.012 {
                try categorySample(&out)
            } else {
                try quantitySample(&out)
            }
            now += draws.integer(20, 90)
        }
        try activitySummaries(&out)
        try out.append("</HealthData>\n")
        try out.flush()
    }

    // MARK: - Elements

    /// ` creationDate="…" startDate="…" endDate="…"`.
    private func dates(_ out: inout TextBuffer, creation: Int, start: Int, end: Int) throws {
        try out.append(" creationDate=\"")
        try out.append(timestamp: creation, offset: offset)
        try out.append("\" startDate=\"")
        try out.append(timestamp: start, offset: offset)
        try out.append("\" endDate=\"")
        try out.append(timestamp: end, offset: offset)
        try out.append("\"")
    }

    private mutating func workout(_ out: inout TextBuffer) throws {
        let kind = Self.workoutTypes.draw(&draws)
        let start = now
        let seconds = draws.integer(kind.minutes.lowerBound * 60, kind.minutes.upperBound * 60)
        let end = start + seconds
        let paused = draws.element(of: [0, 0, 0, 60, 180])
        manifest.workouts[kind.type, default: Manifest.Total()].add(seconds: seconds)
        let strava = draws.unit() >= 0.9
        let legacy = quirks.contains(.legacy) && draws.unit() < 0.3

        try out.append(" <Workout workoutActivityType=\"")
        try out.append(kind.type)
        try out.append("\" duration=\"")
        // (seconds - paused) / 60 to six places: the remainder is in sixtieths, never a half.
        try out.append(fixed: ((seconds - paused) * 2_000_000 + 60) / 120, decimals: 6)
        try out.append("\" durationUnit=\"min\"")
        if legacy {
            try out.append(" totalDistance=\"")
            try out.append(fixed: seconds * 25, decimals: 4)  // seconds / 400 km
            try out.append("\" totalDistanceUnit=\"km\" totalEnergyBurned=\"")
            try out.append(fixed: energy(seconds), decimals: 3)
            try out.append("\" totalEnergyBurnedUnit=\"Cal\"")
        }
        try out.append(" sourceName=\"")
        try out.append(strava ? "Strava" : ExportContent.watch)
        try out.append("\" sourceVersion=\"10.1\" device=\"")
        try out.append(ExportContent.device)
        try out.append("\"")
        try dates(&out, creation: end, start: start, end: end)
        try out.append(">\n")
        try out.append("""
              <MetadataEntry key="HKIndoorWorkout" value="0"/>
              <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>
              <MetadataEntry key="HKAverageMETs" value="7.4 kcal/hr\u{B7}kg"/>

            """)
        if paused > 0 {
            try out.append("  <WorkoutEvent type=\"HKWorkoutEventTypePause\" date=\"")
            try out.append(timestamp: start + seconds / 2, offset: offset)
            try out.append("\"/>\n  <WorkoutEvent type=\"HKWorkoutEventTypeResume\" date=\"")
            try out.append(timestamp: start + seconds / 2 + paused, offset: offset)
            try out.append("\"/>\n")
        }
        if !legacy && !strava {
            try out.append("  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\" startDate=\"")
            try span(&out, start, end)
            try out.append(" sum=\"")
            try out.append(fixed: energy(seconds), decimals: 3)
            try out.append("\" unit=\"Cal\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierHeartRate\" startDate=\"")
            try span(&out, start, end)
            try out.append(" average=\"")
            try out.append(draws.integer(95, 160))
            try out.append("\" minimum=\"80\" maximum=\"181\" unit=\"count/min\"/>\n")
        }
        if ExportContent.routed.contains(kind.type) {
            try out.append("  <WorkoutRoute sourceName=\"")
            try out.append(strava ? "Strava" : ExportContent.watch)
            try out.append("\" sourceVersion=\"10.1\"")
            try dates(&out, creation: end, start: start, end: end)
            try out.append(">\n   <FileReference path=\"/workout-routes/route_")
            // Named by the start's UTC wall clock, YYYY-MM-DD_HH.MM.
            let utc = CivilTime(start)
            try out.append(date: utc)
            try out.append(byte: UInt8(ascii: "_"))
            try out.append(utc.hour, width: 2)
            try out.append(byte: UInt8(ascii: "."))
            try out.append(utc.minute, width: 2)
            try out.append(".gpx\"/>\n  </WorkoutRoute>\n")
        }
        try out.append(" </Workout>\n")
        now = end
    }

    /// `…" endDate="…"` after an opening `startDate="`.
    private func span(_ out: inout TextBuffer, _ start: Int, _ end: Int) throws {
        try out.append(timestamp: start, offset: offset)
        try out.append("\" endDate=\"")
        try out.append(timestamp: end, offset: offset)
        try out.append("\"")
    }

    /// seconds / 9 kcal to three places, scaled by 1000 (ninths: never a half to round).
    private func energy(_ seconds: Int) -> Int {
        (seconds * 2000 + 9) / 18
    }

    private mutating func mindfulSession(_ out: inout TextBuffer) throws {
        let start = now
        let seconds = draws.element(of: [300, 600, 600, 900, 1200])
        let end = start + seconds
        manifest.mindful.add(seconds: seconds)
        try out.append(" <Record type=\"HKCategoryTypeIdentifierMindfulSession\" sourceName=\"")
        try out.append(ExportContent.watch)
        try out.append("\" sourceVersion=\"10.1\" device=\"")
        try out.append(ExportContent.device)
        try out.append("\"")
        try dates(&out, creation: end, start: start, end: end)
        try out.append(draws.unit() < 0.5 ? "/>\n" : " value=\"HKCategoryValueNotApplicable\"/>\n")
        now = end
    }

    /// Two top-level records, repeated inside their Correlation.
    private mutating func bloodPressure(_ out: inout TextBuffer) throws {
        let systolic = draws.integer(105, 140)
        let diastolic = draws.integer(65, 90)
        func records(_ out: inout TextBuffer, indent: StaticString) throws {
            for (type, value) in [("HKQuantityTypeIdentifierBloodPressureSystolic", systolic), ("HKQuantityTypeIdentifierBloodPressureDiastolic", diastolic)] {
                try out.append(indent)
                try out.append("<Record type=\"")
                try out.append(type)
                try out.append("\" sourceName=\"")
                try out.append(ExportContent.phone)
                try out.append("\" unit=\"mmHg\"")
                try dates(&out, creation: now, start: now, end: now)
                try out.append(" value=\"")
                try out.append(value)
                try out.append("\"/>\n")
            }
        }
        try records(&out, indent: " ")
        try out.append(" <Correlation type=\"HKCorrelationTypeIdentifierBloodPressure\" sourceName=\"")
        try out.append(ExportContent.phone)
        try out.append("\"")
        try dates(&out, creation: now, start: now, end: now)
        try out.append(">\n")
        try records(&out, indent: "  ")
        try out.append(" </Correlation>\n")
        manifest.recordsTopLevel += 2
    }

    /// A heart rate variability sample with its 40 beats, timed on a 12-hour clock as Apple does.
    private mutating func heartRateVariability(_ out: inout TextBuffer) throws {
        let start = now
        try out.append(" <Record type=\"HKQuantityTypeIdentifierHeartRateVariabilitySDNN\" sourceName=\"")
        try out.append(ExportContent.watch)
        try out.append("\" sourceVersion=\"10.1\" device=\"")
        try out.append(ExportContent.device)
        try out.append("\" unit=\"ms\"")
        try dates(&out, creation: start, start: start, end: start + 60)
        try out.append(" value=\"")
        try out.append(fixed: draws.fixed(20, 90, decimals: 4), decimals: 4)
        try out.append("\">\n  <HeartRateVariabilityMetadataList>\n")
        for beat in 0..<40 {
            let clock = CivilTime(start + beat + offset.seconds)
            try out.append("    <InstantaneousBeatsPerMinute bpm=\"")
            try out.append(60 + beat % 25)
            try out.append("\" time=\"")
            try out.append(clock.hour % 12 == 0 ? 12 : clock.hour % 12)
            try out.append(byte: UInt8(ascii: ":"))
            try out.append(clock.minute, width: 2)
            try out.append(byte: UInt8(ascii: ":"))
            try out.append(clock.second, width: 2)
            try out.append(byte: UInt8(ascii: "."))
            try out.append(beat, width: 2)
            try out.append(" PM\"/>\n")
        }
        try out.append("  </HeartRateVariabilityMetadataList>\n </Record>\n")
        manifest.recordsTopLevel += 1
    }

    private mutating func categorySample(_ out: inout TextBuffer) throws {
        let start = now
        try out.append(" <Record type=\"")
        try out.append(draws.element(of: ExportContent.categories))
        try out.append("\" sourceName=\"")
        try out.append(ExportContent.watch)
        try out.append("\" sourceVersion=\"10.1\"")
        try dates(&out, creation: start, start: start, end: start + 1800)
        try out.append(" value=\"HKCategoryValueSleepAnalysisAsleepCore\"/>\n")
        manifest.recordsTopLevel += 1
    }

    private mutating func quantitySample(_ out: inout TextBuffer) throws {
        let kind = Self.quantityTypes.draw(&draws)
        let start = now
        let end = start + draws.element(of: [0, 5, 60, 300])
        var source = draws.unit() < 0.8 ? ExportContent.watch : ExportContent.phone
        if !verticalTabDone && manifest.recordsTopLevel >= 1000 {
            source = ExportContent.verticalTabSource
            verticalTabDone = true
        }
        let motionContext = kind.motionContext && draws.unit() < 0.5
        try out.append(" <Record type=\"")
        try out.append(kind.type)
        try out.append("\" sourceName=\"")
        try out.append(source)
        try out.append("\" sourceVersion=\"10.1\" device=\"")
        try out.append(ExportContent.device)
        try out.append("\" unit=\"")
        try out.append(kind.unit)
        try out.append("\"")
        try dates(&out, creation: end, start: start, end: end)
        try out.append(" value=\"")
        try out.append(fixed: draws.fixed(1, 150, decimals: 3), decimals: 3)
        try out.append(motionContext
            ? "\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/>\n </Record>\n"
            : "\"/>\n")
        manifest.recordsTopLevel += 1
    }

    /// One a day, from the first day to the (UTC) day of the last record.
    private func activitySummaries(_ out: inout TextBuffer) throws {
        var day = Self.firstDay
        while day <= now {
            try out.append(" <ActivitySummary dateComponents=\"")
            try out.append(date: CivilTime(day))
            try out.append("""
                " activeEnergyBurned="512.3" activeEnergyBurnedGoal="600" activeEnergyBurnedUnit="Cal" \
                appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="34" appleExerciseTimeGoal="30" \
                appleStandHours="11" appleStandHoursGoal="12"/>

                """)
            day += 86400
        }
    }
}
