import Testing
@testable import TallyIntegrations

@Suite struct WorkoutActivityNamesTests {
    @Test("known types by their display names", arguments: [
        ("HKWorkoutActivityTypeTraditionalStrengthTraining", "Traditional Strength Training"),
        ("HKWorkoutActivityTypeRunning", "Running"),
        ("HKWorkoutActivityTypeMindAndBody", "Mind and Body"),
        ("HKWorkoutActivityTypeHighIntensityIntervalTraining", "High Intensity Interval Training"),
        ("HKWorkoutActivityTypeTaiChi", "Tai Chi"),
        ("HKWorkoutActivityTypeOther", "Other"),
    ])
    func known(type: String, name: String) {
        #expect(WorkoutActivityNames.displayName(forActivityType: type) == name)
        #expect(WorkoutActivityNames.isKnown(type))
    }

    @Test("unknown types still get a readable name", arguments: [
        ("HKWorkoutActivityTypeUnderwaterBasketWeaving", "Underwater Basket Weaving"),
        ("HKWorkoutActivityTypeHIITWorkout", "HIIT Workout"),
        ("SomethingNew", "Something New"),
        ("HKWorkoutActivityType", "HKWorkoutActivityType"),
        ("", ""),
    ])
    func unknown(type: String, name: String) {
        #expect(WorkoutActivityNames.displayName(forActivityType: type) == name)
        #expect(!WorkoutActivityNames.isKnown(type))
    }

    @Test("the table covers every type the reference lists")
    func coversReference() {
        let listed = """
        AmericanFootball Archery AustralianFootball Badminton Baseball Basketball Bowling Boxing Climbing Cricket
        CrossTraining Curling Cycling Dance DanceInspiredTraining Elliptical EquestrianSports Fencing Fishing
        FunctionalStrengthTraining Golf Gymnastics Handball Hiking Hockey Hunting Lacrosse MartialArts MindAndBody
        MixedMetabolicCardioTraining PaddleSports Play PreparationAndRecovery Racquetball Rowing Rugby Running Sailing
        SkatingSports SnowSports Soccer Softball Squash StairClimbing SurfingSports Swimming TableTennis Tennis
        TrackAndField TraditionalStrengthTraining Volleyball Walking WaterFitness WaterPolo WaterSports Wrestling Yoga
        Barre CoreTraining CrossCountrySkiing DownhillSkiing Flexibility HighIntensityIntervalTraining JumpRope
        Kickboxing Pilates Snowboarding Stairs StepTraining WheelchairWalkPace WheelchairRunPace TaiChi MixedCardio
        HandCycling DiscSports FitnessGaming CardioDance SocialDance Pickleball Cooldown SwimBikeRun Transition
        UnderwaterDiving Other
        """.split(whereSeparator: \.isWhitespace)
        #expect(Set(listed.map(String.init)) == Set(WorkoutActivityNames.known.keys))
    }
}
