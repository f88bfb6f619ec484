/// Display names for `HKWorkoutActivityType…` values.
public enum WorkoutActivityNames {
    static let prefix = "HKWorkoutActivityType"

    /// "HKWorkoutActivityTypeTraditionalStrengthTraining" → "Traditional Strength Training".
    /// Types newer than this table get their camel case split, so an import never fails on them.
    public static func displayName(forActivityType activityType: String) -> String {
        let name = activityType.hasPrefix(prefix) ? String(activityType.dropFirst(prefix.count)) : activityType
        if let known = known[name] { return known }
        let split = splitCamelCase(name)
        return split.isEmpty ? activityType : split
    }

    /// Whether the type is one HealthKit documented when this table was written.
    public static func isKnown(_ activityType: String) -> Bool {
        activityType.hasPrefix(prefix) && known[String(activityType.dropFirst(prefix.count))] != nil
    }

    /// "HIITWorkout" → "HIIT Workout", "MindAndBody" → "Mind And Body".
    static func splitCamelCase(_ name: String) -> String {
        let characters = Array(name)
        var words: [String] = []
        var word = ""
        for (index, character) in characters.enumerated() {
            let startsWord = character.isUppercase && !word.isEmpty && (
                !(word.last?.isUppercase ?? false)
                    || (index + 1 < characters.count && characters[index + 1].isLowercase)
            )
            if startsWord {
                words.append(word)
                word = ""
            }
            if character != "_" && character != " " { word.append(character) }
        }
        if !word.isEmpty { words.append(word) }
        return words.joined(separator: " ")
    }

    // Written out rather than derived, so a name shown to users changes only on purpose.
    static let known: [String: String] = [
        "AmericanFootball": "American Football",
        "Archery": "Archery",
        "AustralianFootball": "Australian Football",
        "Badminton": "Badminton",
        "Barre": "Barre",
        "Baseball": "Baseball",
        "Basketball": "Basketball",
        "Bowling": "Bowling",
        "Boxing": "Boxing",
        "CardioDance": "Cardio Dance",
        "Climbing": "Climbing",
        "Cooldown": "Cooldown",
        "CoreTraining": "Core Training",
        "Cricket": "Cricket",
        "CrossCountrySkiing": "Cross Country Skiing",
        "CrossTraining": "Cross Training",
        "Curling": "Curling",
        "Cycling": "Cycling",
        "Dance": "Dance",
        "DanceInspiredTraining": "Dance Inspired Training",
        "DiscSports": "Disc Sports",
        "DownhillSkiing": "Downhill Skiing",
        "Elliptical": "Elliptical",
        "EquestrianSports": "Equestrian Sports",
        "Fencing": "Fencing",
        "Fishing": "Fishing",
        "FitnessGaming": "Fitness Gaming",
        "Flexibility": "Flexibility",
        "FunctionalStrengthTraining": "Functional Strength Training",
        "Golf": "Golf",
        "Gymnastics": "Gymnastics",
        "HandCycling": "Hand Cycling",
        "Handball": "Handball",
        "HighIntensityIntervalTraining": "High Intensity Interval Training",
        "Hiking": "Hiking",
        "Hockey": "Hockey",
        "Hunting": "Hunting",
        "JumpRope": "Jump Rope",
        "Kickboxing": "Kickboxing",
        "Lacrosse": "Lacrosse",
        "MartialArts": "Martial Arts",
        "MindAndBody": "Mind and Body",
        "MixedCardio": "Mixed Cardio",
        "MixedMetabolicCardioTraining": "Mixed Metabolic Cardio Training",
        "Other": "Other",
        "PaddleSports": "Paddle Sports",
        "Pickleball": "Pickleball",
        "Pilates": "Pilates",
        "Play": "Play",
        "PreparationAndRecovery": "Preparation and Recovery",
        "Racquetball": "Racquetball",
        "Rowing": "Rowing",
        "Rugby": "Rugby",
        "Running": "Running",
        "Sailing": "Sailing",
        "SkatingSports": "Skating Sports",
        "SnowSports": "Snow Sports",
        "Snowboarding": "Snowboarding",
        "Soccer": "Soccer",
        "SocialDance": "Social Dance",
        "Softball": "Softball",
        "Squash": "Squash",
        "StairClimbing": "Stair Climbing",
        "Stairs": "Stairs",
        "StepTraining": "Step Training",
        "SurfingSports": "Surfing Sports",
        "SwimBikeRun": "Swim Bike Run",
        "Swimming": "Swimming",
        "TableTennis": "Table Tennis",
        "TaiChi": "Tai Chi",
        "Tennis": "Tennis",
        "TrackAndField": "Track and Field",
        "TraditionalStrengthTraining": "Traditional Strength Training",
        "Transition": "Transition",
        "UnderwaterDiving": "Underwater Diving",
        "Volleyball": "Volleyball",
        "Walking": "Walking",
        "WaterFitness": "Water Fitness",
        "WaterPolo": "Water Polo",
        "WaterSports": "Water Sports",
        "WheelchairRunPace": "Wheelchair Run Pace",
        "WheelchairWalkPace": "Wheelchair Walk Pace",
        "Wrestling": "Wrestling",
        "Yoga": "Yoga",
    ]
}
