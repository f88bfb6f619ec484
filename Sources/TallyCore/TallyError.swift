/// Failures the domain and the store report, independent of HTTP. The server turns each into a
/// problem+json response in one place; the CLI into a one-line message.
public enum TallyError: Error, Sendable, Equatable {
    case notFound(kind: String, id: String)
    /// The thing already exists; `existingID` names it.
    case conflict(detail: String, existingID: String?)
    case invalid(ValidationError)
    case databaseUnavailable(String)
}
