import Foundation

/// IANA time zone names, as users and their devices write them.
public enum TimeZoneName {
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && TimeZone(identifier: name) != nil
    }
}
