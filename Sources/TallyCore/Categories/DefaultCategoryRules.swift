extension CategoryRules {
    /// The integrations seed's tables.
    public static let defaults = CategoryRules(
        rules: [
            CategoryRule(category: Category.work, keywords: ["work", "meeting"]),
            CategoryRule(category: Category.coding, keywords: ["coding", "development"]),
            CategoryRule(category: Category.sport, keywords: ["sport", "gym", "fitness"]),
            CategoryRule(category: Category.read, keywords: ["reading", "book"]),
            CategoryRule(category: Category.entertainment, keywords: ["netflix", "youtube"]),
            CategoryRule(category: Category.yoga, keywords: ["yoga", "meditation"]),
        ],
        workouts: [
            "Running": Category.sport, "Cycling": Category.sport, "Swimming": Category.sport,
            "Traditional Strength Training": Category.sport, "Functional Strength Training": Category.sport,
            "Walking": Category.walking, "Hiking": Category.walking,
            "Yoga": Category.yoga, "Pilates": Category.yoga,
            "Mindful Session": Category.yoga,
        ],
        categories: [
            CategoryColour(name: Category.work, color: "#4c78a8"),
            CategoryColour(name: Category.coding, color: "#7b4fc4"),
            CategoryColour(name: Category.sport, color: "#e45756"),
            CategoryColour(name: Category.read, color: "#54a24b"),
            CategoryColour(name: Category.entertainment, color: "#f58518"),
            CategoryColour(name: Category.yoga, color: "#72b7b2"),
            CategoryColour(name: Category.walking, color: "#9d755d"),
            CategoryColour(name: Category.uncategorized, color: "#9e9e9e"),
        ],
        fallback: Category.uncategorized)
}
