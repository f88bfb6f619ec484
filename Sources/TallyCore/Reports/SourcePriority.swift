import Foundation

/// Which source wins when a user's spans overlap: the same gym hour as a Toggl entry and as an
/// Apple Watch workout counts once, as the span whose source comes first here. Manual entries
/// lead by default because a person typed them on purpose; imports follow.
public struct SourcePriority: Sendable, Equatable, CustomStringConvertible {
    /// Every source, best first: the ones asked for, then the rest in the default order.
    public let order: [TimeEntrySource]
    private let ranks: [TimeEntrySource: Int]

    public static let defaultOrder: [TimeEntrySource] = [.manual, .toggl, .clockify, .appleHealth, .healthAutoExport]
    public static let `default` = SourcePriority(defaultOrder)

    /// `listed` first (a repeat keeps its first place), then the unlisted sources in the default order.
    public init(_ listed: [TimeEntrySource]) {
        var order: [TimeEntrySource] = []
        for source in listed + Self.defaultOrder + TimeEntrySource.allCases where !order.contains(source) {
            order.append(source)
        }
        self.order = order
        self.ranks = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
    }

    /// Parses `apple_health,toggl`: source names separated by commas, spaces around them ignored.
    /// An empty text is the default order. Names a source it does not know, or one given twice,
    /// under the field `merge`.
    public init(parsing text: String) throws(ValidationError) {
        var listed: [TimeEntrySource] = []
        let known = TimeEntrySource.allCases.map(\.rawValue).joined(separator: ", ")
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            if name.isEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let source = TimeEntrySource(rawValue: name) else {
                throw ValidationError(field: "merge", "unknown source \"\(name)\"; known sources are \(known)")
            }
            guard !listed.contains(source) else {
                throw ValidationError(field: "merge", "lists \(name) more than once")
            }
            listed.append(source)
        }
        self.init(listed)
    }

    /// 0 for the winning source, larger for later ones.
    public func rank(of source: TimeEntrySource) -> Int {
        ranks[source] ?? order.count
    }

    /// The full order, comma-separated, as `init(parsing:)` reads it.
    public var description: String {
        order.map(\.rawValue).joined(separator: ",")
    }
}
