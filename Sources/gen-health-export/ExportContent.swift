/// What the export holds, shaped after the public descriptions of export.xml (HealthKit Export
/// Version 14: inline DTD, Record, Correlation, Workout with MetadataEntry / WorkoutEvent /
/// WorkoutStatistics / WorkoutRoute, ActivitySummary). No real person's data.
enum ExportContent {
    /// The prolog and the DTD up to VisionPrescription, where the two DTD versions part.
    static let dtdHead: StaticString = """
    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE HealthData [
    <!-- HealthKit Export Version: 14 -->
    <!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
    <!ATTLIST HealthData
      locale CDATA #REQUIRED
    >
    <!ELEMENT ExportDate EMPTY>
    <!ATTLIST ExportDate
      value CDATA #REQUIRED
    >
    <!ELEMENT Me EMPTY>
    <!ATTLIST Me
      HKCharacteristicTypeIdentifierDateOfBirth                 CDATA #REQUIRED
      HKCharacteristicTypeIdentifierBiologicalSex               CDATA #REQUIRED
      HKCharacteristicTypeIdentifierBloodType                   CDATA #REQUIRED
      HKCharacteristicTypeIdentifierFitzpatrickSkinType         CDATA #REQUIRED
      HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
    >
    <!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
    <!ATTLIST Record
      type          CDATA #REQUIRED
      unit          CDATA #IMPLIED
      value         CDATA #IMPLIED
      sourceName    CDATA #REQUIRED
      sourceVersion CDATA #IMPLIED
      device        CDATA #IMPLIED
      creationDate  CDATA #IMPLIED
      startDate     CDATA #REQUIRED
      endDate       CDATA #REQUIRED
    >
    <!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
    <!ELEMENT Correlation ((MetadataEntry|Record)*)>
    <!ATTLIST Correlation
      type          CDATA #REQUIRED
      sourceName    CDATA #REQUIRED
      sourceVersion CDATA #IMPLIED
      device        CDATA #IMPLIED
      creationDate  CDATA #IMPLIED
      startDate     CDATA #REQUIRED
      endDate       CDATA #REQUIRED
    >
    <!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
    <!ATTLIST Workout
      workoutActivityType   CDATA #REQUIRED
      duration              CDATA #IMPLIED
      durationUnit          CDATA #IMPLIED
      totalDistance         CDATA #IMPLIED
      totalDistanceUnit     CDATA #IMPLIED
      totalEnergyBurned     CDATA #IMPLIED
      totalEnergyBurnedUnit CDATA #IMPLIED
      sourceName            CDATA #REQUIRED
      sourceVersion         CDATA #IMPLIED
      device                CDATA #IMPLIED
      creationDate          CDATA #IMPLIED
      startDate             CDATA #REQUIRED
      endDate               CDATA #REQUIRED
    >
    <!ELEMENT WorkoutEvent ((MetadataEntry)*)>
    <!ATTLIST WorkoutEvent
      type         CDATA #REQUIRED
      date         CDATA #REQUIRED
      duration     CDATA #IMPLIED
      durationUnit CDATA #IMPLIED
    >
    <!ELEMENT WorkoutStatistics EMPTY>
    <!ATTLIST WorkoutStatistics
      type      CDATA #REQUIRED
      startDate CDATA #REQUIRED
      endDate   CDATA #REQUIRED
      average   CDATA #IMPLIED
      minimum   CDATA #IMPLIED
      maximum   CDATA #IMPLIED
      sum       CDATA #IMPLIED
      unit      CDATA #IMPLIED
    >
    <!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
    <!ATTLIST WorkoutRoute
      sourceName    CDATA #REQUIRED
      sourceVersion CDATA #IMPLIED
      device        CDATA #IMPLIED
      creationDate  CDATA #IMPLIED
      startDate     CDATA #REQUIRED
      endDate       CDATA #REQUIRED
    >
    <!ELEMENT FileReference EMPTY>
    <!ATTLIST FileReference
      path CDATA #REQUIRED
    >
    <!ELEMENT ActivitySummary EMPTY>
    <!ATTLIST ActivitySummary
      dateComponents           CDATA #IMPLIED
      activeEnergyBurned       CDATA #IMPLIED
      activeEnergyBurnedGoal   CDATA #IMPLIED
      activeEnergyBurnedUnit   CDATA #IMPLIED
      appleMoveTime            CDATA #IMPLIED
      appleMoveTimeGoal        CDATA #IMPLIED
      appleExerciseTime        CDATA #IMPLIED
      appleExerciseTimeGoal    CDATA #IMPLIED
      appleStandHours          CDATA #IMPLIED
      appleStandHoursGoal      CDATA #IMPLIED
    >
    <!ELEMENT MetadataEntry EMPTY>
    <!ATTLIST MetadataEntry
      key   CDATA #REQUIRED
      value CDATA #REQUIRED
    >
    <!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
    <!ELEMENT InstantaneousBeatsPerMinute EMPTY>
    <!ATTLIST InstantaneousBeatsPerMinute
      bpm  CDATA #REQUIRED
      time CDATA #REQUIRED
    >

    """

    /// The rest of the Export Version 14 DTD.
    static let goodDTDTail: StaticString = """
    <!ELEMENT VisionPrescription ((RightEye|LeftEye|Attachment|MetadataEntry)*)>
    <!ATTLIST VisionPrescription
      type             CDATA #REQUIRED
      dateIssued       CDATA #REQUIRED
      expirationDate   CDATA #IMPLIED
      brand            CDATA #IMPLIED
    >
    <!ELEMENT RightEye EMPTY>
    <!ATTLIST RightEye
      sphere           CDATA #IMPLIED
      sphereUnit       CDATA #IMPLIED
    >
    ]>

    """

    /// The Export Version 12 DTD leaves the VisionPrescription ATTLIST unclosed; strict parsers stop here.
    static let brokenDTDTail: StaticString = """
    <!ELEMENT VisionPrescription ((RightEye|LeftEye|Attachment|MetadataEntry)*)>
    <!ATTLIST VisionPrescription
      type             CDATA #REQUIRED
      dateIssued       CDATA #REQUIRED
      expirationDate   CDATA #IMPLIED
      brand            CDATA #IMPLIED
    <!ELEMENT RightEye EMPTY>
    <!ATTLIST RightEye
      sphere           CDATA #IMPLIED
      sphereUnit       CDATA #IMPLIED
    >
    <!ELEMENT LeftEye EMPTY>
    >
    ]>

    """

    /// Workout types, their weight in the mix, and their shortest and longest minutes.
    static let workouts: [(type: String, weight: Int, minutes: ClosedRange<Int>)] = [
        ("HKWorkoutActivityTypeRunning", 18, 20...75),
        ("HKWorkoutActivityTypeCycling", 12, 30...150),
        ("HKWorkoutActivityTypeSwimming", 6, 25...60),
        ("HKWorkoutActivityTypeWalking", 20, 15...90),
        ("HKWorkoutActivityTypeHiking", 4, 60...300),
        ("HKWorkoutActivityTypeYoga", 8, 20...75),
        ("HKWorkoutActivityTypePilates", 4, 30...60),
        ("HKWorkoutActivityTypeTraditionalStrengthTraining", 10, 30...80),
        ("HKWorkoutActivityTypeFunctionalStrengthTraining", 5, 20...60),
        ("HKWorkoutActivityTypeHighIntensityIntervalTraining", 4, 15...40),
        ("HKWorkoutActivityTypeMindAndBody", 3, 10...30),
        ("HKWorkoutActivityTypeElliptical", 2, 20...45),
        ("HKWorkoutActivityTypeRowing", 2, 15...45),
        ("HKWorkoutActivityTypeSoccer", 1, 60...100),
        ("HKWorkoutActivityTypeOther", 1, 10...60),
    ]
    /// Workouts that carry a route.
    static let routed: Set<String> = ["HKWorkoutActivityTypeRunning", "HKWorkoutActivityTypeCycling", "HKWorkoutActivityTypeWalking"]

    static let mindful = "HKCategoryTypeIdentifierMindfulSession"

    /// The seed document's "Workout Type Mapping" (000_4026f2f126c4bcf3.txt); every other type
    /// is what the manifest calls "unmapped".
    static let seedCategory: [String: String] = [
        "HKWorkoutActivityTypeRunning": "Sport",
        "HKWorkoutActivityTypeCycling": "Sport",
        "HKWorkoutActivityTypeSwimming": "Sport",
        "HKWorkoutActivityTypeTraditionalStrengthTraining": "Sport",
        "HKWorkoutActivityTypeFunctionalStrengthTraining": "Sport",
        "HKWorkoutActivityTypeWalking": "Walking",
        "HKWorkoutActivityTypeHiking": "Walking",
        "HKWorkoutActivityTypeYoga": "Yoga",
        "HKWorkoutActivityTypePilates": "Yoga",
        mindful: "Yoga",
    ]

    /// Quantity samples: type, unit and weight in the mix; half the heart rate samples carry a
    /// motion context.
    static let quantities: [(type: StaticString, unit: StaticString, weight: Int, motionContext: Bool)] = [
        ("HKQuantityTypeIdentifierHeartRate", "count/min", 40, true),
        ("HKQuantityTypeIdentifierActiveEnergyBurned", "Cal", 25, false),
        ("HKQuantityTypeIdentifierBasalEnergyBurned", "Cal", 15, false),
        ("HKQuantityTypeIdentifierStepCount", "count", 10, false),
        ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", 8, false),
        ("HKQuantityTypeIdentifierAppleStandTime", "min", 2, false),
    ]
    static let categories: [StaticString] = ["HKCategoryTypeIdentifierSleepAnalysis", "HKCategoryTypeIdentifierAppleStandHour"]

    static let watch: StaticString = "Test\u{2019}s Apple Watch \u{231A}"
    static let phone: StaticString = "iPhone van Test"
    /// The source of the one record the `vt` quirk spoils.
    static let verticalTabSource: StaticString = "Weegschaal\u{0B} App"
    /// Already escaped, as Apple writes it.
    static let device: StaticString = "&lt;&lt;HKDevice: 0x282d03020&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:10.1&gt;"

    static let meElement: StaticString = """
     <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-01-01" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexNotSet" \
    HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" \
    HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>

    """

    /// The clinical document beside the export; the `cda-junk` quirk gives it a second root.
    static func clinicalDocument(junk: Bool) -> String {
        "<?xml version=\"1.0\"?>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>Health</title></ClinicalDocument>\n"
            + (junk ? "<component><section/></component>\n" : "")
    }

    static let route = (
        name: "workout-routes/route_2023-01-01_7.00am.gpx",
        contents: """
            <?xml version="1.0"?>
            <gpx version="1.1" creator="Apple Health Export"><trk><trkseg>\
            <trkpt lon="4.9041" lat="52.3676"><ele>2.1</ele><time>2023-01-01T07:00:00Z</time></trkpt>\
            </trkseg></trk></gpx>

            """
    )
    static let electrocardiogram = (name: "electrocardiograms/ecg_2023-01-02.csv", contents: "Name,Test\nVoltage,0.1\n")
    /// The AppleDouble file macOS leaves when it zips a folder (the `macosx` quirk).
    static let appleDouble: [UInt8] = [0x00, 0x05, 0x16, 0x07] + Array("AppleDouble junk".utf8)
}
