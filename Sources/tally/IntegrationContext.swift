import AsyncHTTPClient
import Foundation
import TallyCore
import TallyIntegrations
import TallyStore

/// What `tally sync`, `tally timer`, `tally categories` and `tally toggl` share: the store, the
/// sources configured in the environment, the category rules and the user synced time belongs to.
struct IntegrationContext {
    let store: any TallyStore
    let settings: IntegrationSettings
    let sources: ConfiguredSources
    let rulesBook: CategoryRulesBook

    init(database: DatabaseOptions) throws {
        do { settings = try IntegrationSettings.fromEnvironment(ProcessInfo.processInfo.environment) } catch {
            throw CLIError(error.description)
        }
        store = try database.openStore()
        sources = ConfiguredSources(settings: settings, httpClient: .shared)
        rulesBook = CategoryRulesBook(store: store, filePath: settings.categoryRulesPath)
    }

    func rules() async throws -> CategoryRules {
        do { return try await rulesBook.rules() } catch let error as CategoryRulesFileError { throw CLIError(error.description) }
    }

    /// `--user`, else `TALLY_SYNC_USER`, else the only user.
    func owner(_ requested: String?) async throws -> String {
        switch try await store.owner(requested ?? settings.syncUser) {
        case .user(let id): return id
        case .unknown(let id): throw CLIError("no user has the id '\(id)'")
        case .noUsers: throw CLIError("there are no users yet; create one with 'tally users create'")
        case .severalUsers: throw CLIError("there are several users; say whose time this is with --user or TALLY_SYNC_USER")
        }
    }
}

extension CLIError {
    /// Source failures as the one line the source error gives.
    static func fromSource<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await CLIError.reporting(work)
        } catch let error as any SourceError {
            throw CLIError(error.description)
        } catch let error as SourceNotConfigured {
            throw CLIError(error.description)
        } catch let error as CategoryRulesFileError {
            throw CLIError(error.description)
        }
    }
}
