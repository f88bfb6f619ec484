import Foundation

extension TallyAPI {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        let database: Components.Schemas.Health.DatabasePayload = store.kind == .sqlite ? .sqlite : .postgres
        do {
            try await store.ping()
            return .ok(.init(body: .json(.init(status: .ok, version: configuration.version, database: database))))
        } catch {
            return .serviceUnavailable(
                .init(body: .json(.init(status: .unavailable, version: configuration.version, database: database))))
        }
    }
}
