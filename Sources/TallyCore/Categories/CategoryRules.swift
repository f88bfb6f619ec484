import Foundation

/// How entries get their category. Users change it in a rules file (`TALLY_CATEGORY_RULES`) or
/// over the API; the defaults are the integrations seed's tables.
///
/// Priority, as documented in docs/categories.md:
/// 1. a workout (Apple Health, Health Auto Export) whose activity is in `workouts`;
/// 2. the project name, then each tag, then the description: within each field the first rule,
///    in file order, with a keyword among the field's words wins;
/// 3. a tag that is a category's own name (so a timer started "--category Coding" maps back);
/// 4. `fallback`.
public struct CategoryRules: Sendable, Equatable, Codable {
    public var rules: [CategoryRule]
    /// Activity display name ("Traditional Strength Training") → category.
    public var workouts: [String: String]
    /// Categories with their colours, in display order. Categories that rules name but this list
    /// omits get a colour from a fixed palette.
    public var categories: [CategoryColour]
    public var fallback: String

    public init(rules: [CategoryRule], workouts: [String: String], categories: [CategoryColour], fallback: String) {
        self.rules = rules
        self.workouts = workouts
        self.categories = categories
        self.fallback = fallback
    }

    private enum CodingKeys: String, CodingKey {
        case rules, workouts, categories, fallback
    }

    /// Missing keys take the defaults, so a file may hold just `rules`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = Self.defaults
        rules = try container.decodeIfPresent([CategoryRule].self, forKey: .rules) ?? defaults.rules
        workouts = try container.decodeIfPresent([String: String].self, forKey: .workouts) ?? defaults.workouts
        categories = try container.decodeIfPresent([CategoryColour].self, forKey: .categories) ?? defaults.categories
        fallback = try container.decodeIfPresent(String.self, forKey: .fallback) ?? defaults.fallback
        try validate()
    }

    /// Rejects what would make matching ambiguous or silently useless.
    public func validate() throws {
        func fail(_ field: String, _ message: String) -> ValidationError { ValidationError(field: field, message) }
        if fallback.trimmingCharacters(in: .whitespaces).isEmpty { throw fail("fallback", "must name a category") }
        for (index, rule) in rules.enumerated() {
            if rule.category.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("rules/\(index)/category", "rule \(index + 1) has no category")
            }
            if rule.keywords.isEmpty || rule.keywords.contains(where: { CategoryWords.split($0).isEmpty }) {
                throw fail(
                    "rules/\(index)/keywords", "rule \(index + 1) (\(rule.category)) needs keywords with at least one letter or digit each")
            }
        }
        for (index, colour) in categories.enumerated() where !CategoryColour.isHexColour(colour.color) {
            throw fail("categories/\(index)/color", "the colour of \(colour.name) must look like #4c78a8")
        }
    }
}

public struct CategoryRule: Sendable, Equatable, Codable {
    public var category: String
    /// Words or phrases ("deep work"), matched case-insensitively against whole words.
    public var keywords: [String]
    /// Which fields the rule looks at; all three when absent.
    public var fields: [CategoryField]?

    public init(category: String, keywords: [String], fields: [CategoryField]? = nil) {
        self.category = category
        self.keywords = keywords
        self.fields = fields
    }

    func applies(to field: CategoryField) -> Bool { fields?.contains(field) ?? true }
}

public enum CategoryField: String, Sendable, Codable, CaseIterable {
    case project, tags, description
}

public struct CategoryColour: Sendable, Equatable, Codable {
    public var name: String
    public var color: String

    public init(name: String, color: String) {
        self.name = name
        self.color = color
    }

    static func isHexColour(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 7 && bytes[0] == UInt8(ascii: "#")
            && bytes.dropFirst().allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
    }
}
