import Foundation

/// What an entry offers for categorising.
public struct CategoryInput: Sendable {
    public var project: String?
    public var tags: [String]
    public var description: String
    /// Set for workouts: the activity's display name.
    public var workout: String?

    public init(project: String?, tags: [String], description: String, workout: String? = nil) {
        self.project = project
        self.tags = tags
        self.description = description
        self.workout = workout
    }
}

extension CategoryRules {
    public func category(for input: CategoryInput) -> String {
        if let workout = input.workout, let category = workouts[workout] { return category }
        if let project = input.project, let category = firstMatch(CategoryWords.split(project), in: .project) {
            return category
        }
        for tag in input.tags {
            if let category = firstMatch(CategoryWords.split(tag), in: .tags) { return category }
        }
        if let category = firstMatch(CategoryWords.split(input.description), in: .description) { return category }
        for tag in input.tags {
            let words = CategoryWords.split(tag)
            if let named = knownCategories.first(where: { CategoryWords.split($0) == words }) { return named }
        }
        return fallback
    }

    public func category(of entry: TimeEntry) -> String {
        if entry.source == .appleHealth || entry.source == .healthAutoExport {
            if case .string(let activity) = entry.details["activity"] { return category(forWorkout: activity) }
            return category(forWorkout: entry.description)
        }
        return category(for: CategoryInput(project: entry.project, tags: entry.tags, description: entry.description))
    }

    /// A workout or mindful session by its activity's display name: the `workouts` table, else
    /// the general rules on the name (an unknown activity keeps its raw name and can be matched).
    /// The entry's tag is the recording device, which says nothing about the category.
    public func category(forWorkout activity: String) -> String {
        category(for: CategoryInput(project: nil, tags: [], description: activity, workout: activity))
    }

    /// How to tag a timer so that it lands in `category`: a project at the source whose name maps
    /// to it, else the first tag keyword of a rule for it, else the category's own name as a tag.
    public func timerLabels(for category: String, projects: [String]) -> (project: String?, tags: [String]) {
        let wanted = knownCategories.first { $0.caseInsensitiveCompare(category) == .orderedSame } ?? category
        if let project = projects.first(where: { firstMatch(CategoryWords.split($0), in: .project) == wanted }) {
            return (project, [])
        }
        if let rule = rules.first(where: { $0.category == wanted && $0.applies(to: .tags) }),
            let keyword = rule.keywords.first
        {
            return (nil, [keyword])
        }
        return (nil, [wanted])
    }

    /// Every category the rules can produce, in display order: the `categories` list first.
    public var knownCategories: [String] {
        var names = categories.map(\.name)
        for name in rules.map(\.category) + workouts.values.sorted() + [fallback] where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// Every known category with its colour.
    public var palette: [CategoryColour] {
        let fallbackColours = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d"]
        var used = 0
        return knownCategories.map { name in
            if let colour = categories.first(where: { $0.name == name }) { return colour }
            defer { used += 1 }
            return CategoryColour(name: name, color: fallbackColours[used % fallbackColours.count])
        }
    }

    private func firstMatch(_ words: [String], in field: CategoryField) -> String? {
        guard !words.isEmpty else { return nil }
        for rule in rules where rule.applies(to: field) {
            for keyword in rule.keywords where CategoryWords.contains(words, phrase: CategoryWords.split(keyword)) {
                return rule.category
            }
        }
        return nil
    }
}

/// Lower-cased runs of letters and digits: "Deep-work sessie!" → ["deep", "work", "sessie"].
enum CategoryWords {
    static func split(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    static func contains(_ words: [String], phrase: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return false }
        for start in 0...(words.count - phrase.count) where words[start..<start + phrase.count].elementsEqual(phrase) {
            return true
        }
        return false
    }
}
