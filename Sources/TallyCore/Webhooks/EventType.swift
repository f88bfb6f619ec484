/// The event types Tally sends to webhook endpoints.
public enum EventType {
    public static let dailyLogCreated = "daily_log.created"
    public static let dailyLogUpdated = "daily_log.updated"
    public static let dailyLogDeleted = "daily_log.deleted"
    public static let appointmentCreated = "appointment.created"
    public static let appointmentUpdated = "appointment.updated"
    public static let appointmentDeleted = "appointment.deleted"
    public static let userCreated = "user.created"
    public static let userUpdated = "user.updated"
    public static let userDeleted = "user.deleted"
    public static let timeEntryCreated = "time_entry.created"
    public static let timeEntryUpdated = "time_entry.updated"
    public static let timeEntryDeleted = "time_entry.deleted"
    public static let syncCompleted = "sync.completed"
    public static let syncFailed = "sync.failed"
    /// A goal's target met for the first time in its period (a day, or an ISO week).
    public static let goalAchieved = "goal.achieved"
    /// Sent to one endpoint on request, whatever it subscribed to.
    public static let webhookTest = "webhook.test"

    /// What an endpoint may subscribe to. Time entry and sync events are listed ahead of the
    /// features that send them so subscriptions made now keep working.
    public static let subscribable: Set<String> = [
        dailyLogCreated, dailyLogUpdated, dailyLogDeleted,
        appointmentCreated, appointmentUpdated, appointmentDeleted,
        userCreated, userUpdated, userDeleted,
        timeEntryCreated, timeEntryUpdated, timeEntryDeleted,
        syncCompleted, syncFailed, goalAchieved,
    ]
}
