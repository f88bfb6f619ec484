import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

extension TallyAPI {
    func listCategories(_ input: Operations.ListCategories.Input) async throws -> Operations.ListCategories.Output {
        try Caller.require(.read)
        let rules = try await rulesBook.rules()
        return .ok(.init(body: .json(.init(categories: rules.palette.map { .init(name: $0.name, color: $0.color) }))))
    }

    func getCategoryRules(_ input: Operations.GetCategoryRules.Input) async throws -> Operations.GetCategoryRules.Output {
        try Caller.require(.read)
        return .ok(.init(body: .json(try await rulesInForce())))
    }

    func putCategoryRules(_ input: Operations.PutCategoryRules.Input) async throws -> Operations.PutCategoryRules.Output {
        try Caller.require(.admin)
        guard case .json = input.body, let bytes = RawBody.bytes else { throw APIError.unsupportedMediaType("send JSON") }
        // Decoded by the domain type, which fills in defaults for left-out keys and validates.
        let rules = try JSONDecoder().decode(CategoryRules.self, from: Data(bytes))
        try await rulesBook.save(rules, at: now)
        return .ok(.init(body: .json(try await rulesInForce())))
    }

    func resetCategoryRules(_ input: Operations.ResetCategoryRules.Input) async throws -> Operations.ResetCategoryRules.Output {
        try Caller.require(.admin)
        try await rulesBook.reset(at: now)
        return .ok(.init(body: .json(try await rulesInForce())))
    }

    func applyCategoryRules(_ input: Operations.ApplyCategoryRules.Input) async throws -> Operations.ApplyCategoryRules.Output {
        // Every user's entries change: an administrator's decision, like the rules themselves.
        try Caller.require(.admin)
        let rules = try await rulesBook.rules()
        let changed = try await store.recategorize(at: now) { rules.category(of: $0) }
        return .ok(.init(body: .json(.init(changed: changed))))
    }

    func rulesInForce() async throws -> Components.Schemas.CategoryRulesInForce {
        let (rules, origin) = try await rulesBook.current()
        return .init(
            origin: Components.Schemas.CategoryRulesInForce.OriginPayload(rawValue: origin.rawValue) ?? ._default,
            rules: rules.rules.map { rule in
                .init(
                    category: rule.category, keywords: rule.keywords,
                    fields: rule.fields?.compactMap { Components.Schemas.CategoryRule.FieldsPayloadPayload(rawValue: $0.rawValue) })
            },
            workouts: .init(additionalProperties: rules.workouts),
            categories: rules.categories.map { .init(name: $0.name, color: $0.color) }, fallback: rules.fallback)
    }
}
