import Foundation

/// Reports count whole milliseconds, so sums are exact and round once, per row.
enum Milliseconds {
    static func from(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1000).rounded()
        return value.isFinite ? Int64(max(-9e15, min(9e15, value))) : 0
    }

    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// Whole seconds, halves up.
    static func seconds(_ milliseconds: Int64) -> Int {
        Int((milliseconds + 500).dividedFloor(by: 1000))
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
