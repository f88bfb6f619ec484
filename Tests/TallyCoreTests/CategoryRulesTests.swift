import Foundation
import Testing
import TallyCore

@Suite struct CategoryRulesTests {
    let rules = CategoryRules.defaults

    func category(project: String? = nil, tags: [String] = [], _ description: String = "") -> String {
        rules.category(for: CategoryInput(project: project, tags: tags, description: description))
    }

    @Test(arguments: [
        ("Client work", "Work"), ("Weekly MEETING", "Work"), ("coding kata", "Coding"), ("App development", "Coding"),
        ("Sport", "Sport"), ("gym", "Sport"), ("Fitness class", "Sport"), ("Reading", "Read"), ("book club", "Read"),
        ("Netflix", "Entertainment"), ("YouTube", "Entertainment"), ("yoga flow", "Yoga"), ("Meditation", "Yoga"),
        ("Deep work sessie", "Work"), ("Boodschappen", "Uncategorized"),
    ])
    func theSeedsTablesAreTheDefaults(description: String, expected: String) {
        #expect(category(description) == expected)
    }

    @Test func keywordsMatchWholeWordsOnly() {
        #expect(category("Homework") == "Uncategorized")
        #expect(category("networking lunch") == "Uncategorized")
        #expect(category("work-out") == "Work")
    }

    @Test func theProjectWinsOverTagsWhichWinOverTheDescription() {
        #expect(category(project: "Gym", tags: ["coding"], "reading a book") == "Sport")
        #expect(category(project: "Household", tags: ["coding"], "reading a book") == "Coding")
        #expect(category(project: "Household", tags: ["errands"], "reading a book") == "Read")
    }

    @Test func withinAFieldTheFirstRuleInListOrderWins() {
        // "work" (Work) comes before "coding" (Coding) in the seed's order.
        #expect(category("coding at work") == "Work")
    }

    @Test func phrasesAndFieldRestrictions() throws {
        let custom = CategoryRules(
            rules: [
                CategoryRule(category: "Focus", keywords: ["deep work"]),
                CategoryRule(category: "Admin", keywords: ["admin"], fields: [.project]),
            ], workouts: [:], categories: [], fallback: "Other")
        #expect(custom.category(for: CategoryInput(project: nil, tags: [], description: "Deep work sessie")) == "Focus")
        #expect(custom.category(for: CategoryInput(project: nil, tags: [], description: "work deep")) == "Other")
        #expect(custom.category(for: CategoryInput(project: nil, tags: [], description: "admin")) == "Other")
        #expect(custom.category(for: CategoryInput(project: "Admin", tags: [], description: "")) == "Admin")
    }

    @Test func aTagNamedAfterACategoryMapsToIt() {
        #expect(category(tags: ["Walking"], "afternoon") == "Walking")
    }

    @Test func workoutsUseTheirTableThenTheGeneralRules() {
        #expect(rules.category(forWorkout: "Traditional Strength Training") == "Sport")
        #expect(rules.category(forWorkout: "Hiking") == "Walking")
        #expect(rules.category(forWorkout: "Pilates") == "Yoga")
        #expect(rules.category(forWorkout: Category.mindfulSessionName) == "Yoga")
        #expect(rules.category(forWorkout: "Table Tennis") == "Uncategorized")
        var custom = rules
        custom.rules.append(CategoryRule(category: "Sport", keywords: ["tennis"]))
        #expect(custom.category(forWorkout: "Table Tennis") == "Sport")
    }

    @Test func aTimerCategoryBecomesAProjectOrATagThatMapsBack() {
        let labels = rules.timerLabels(for: "Coding", projects: ["Household", "App Development"])
        #expect(labels.project == "App Development" && labels.tags.isEmpty)
        let tagged = rules.timerLabels(for: "coding", projects: ["Household"])
        #expect(tagged.project == nil && tagged.tags == ["coding"])
        #expect(category(tags: tagged.tags, "Deep sessie") == "Coding")
        let unknown = rules.timerLabels(for: "Walking", projects: [])
        #expect(unknown.tags == ["Walking"])
        #expect(category(tags: unknown.tags, "outside") == "Walking")
    }

    @Test func aFileNeedsOnlyTheKeysItChanges() throws {
        let decoded = try JSONDecoder().decode(
            CategoryRules.self, from: Data(#"{"rules":[{"category":"Focus","keywords":["deep work"]}]}"#.utf8))
        #expect(decoded.rules.count == 1)
        #expect(decoded.workouts == CategoryRules.defaults.workouts)
        #expect(decoded.fallback == "Uncategorized")
    }

    @Test(arguments: [
        #"{"rules":[{"category":"","keywords":["x"]}]}"#, #"{"rules":[{"category":"A","keywords":[]}]}"#,
        #"{"rules":[{"category":"A","keywords":["--"]}]}"#, #"{"fallback":" "}"#,
        #"{"categories":[{"name":"A","color":"red"}]}"#,
    ])
    func nonsenseIsRefused(json: String) {
        #expect(throws: ValidationError.self) { try JSONDecoder().decode(CategoryRules.self, from: Data(json.utf8)) }
    }

    @Test func everyCategoryHasAColour() {
        var custom = rules
        custom.rules.append(CategoryRule(category: "Focus", keywords: ["focus"]))
        let palette = custom.palette
        #expect(palette.first?.name == "Work")
        #expect(palette.contains { $0.name == "Focus" && $0.color.hasPrefix("#") })
        #expect(Set(palette.map(\.name)).count == palette.count)
    }
}
