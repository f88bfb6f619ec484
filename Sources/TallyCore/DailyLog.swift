import Foundation

/// One user's goal counts for one local day. At most one per user per date.
public struct DailyLog: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var date: LocalDate
    public var reviews: Int
    public var demos: Int
    public var callbacks: Int
    public var notes: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, userID: String, date: LocalDate, reviews: Int, demos: Int, callbacks: Int,
        notes: String? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.date = date
        self.reviews = reviews
        self.demos = demos
        self.callbacks = callbacks
        self.notes = notes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let maximumCount = 1_000_000

    public func validate() throws(ValidationError) {
        var problems = FieldProblems()
        for (field, value) in [("reviews", reviews), ("demos", demos), ("callbacks", callbacks)] {
            if value < 0 || value > Self.maximumCount {
                problems.add(field, "must be a whole number from 0 to \(Self.maximumCount)")
            }
        }
        if let notes { problems.checkText("notes", notes, maxLength: 10_000, allowEmpty: true) }
        try problems.throwIfAny()
    }
}
