import Foundation

/// Milliseconds per (user, key, category), merged and raw: a flat block of memory while that
/// is small, a dictionary when many users, descriptions and categories would make it large and
/// mostly empty. A class over raw memory because a report adds to it a few million times, and
/// an array in a struct or class pays a uniqueness or exclusivity check on every add.
final class SlotTable {
    private let keyCount: Int
    private let categoryCount: Int
    private let flat: UnsafeMutableBufferPointer<Int64>?
    private var sparse: [Int: (merged: Int64, raw: Int64)] = [:]

    static let flatLimit = 1 << 20

    init(users: Int, keys: Int, categories: Int) {
        keyCount = keys
        categoryCount = categories
        let (perUser, overflowPerUser) = keys.multipliedReportingOverflow(by: categories)
        let (size, overflow) = users.multipliedReportingOverflow(by: perUser)
        if !overflowPerUser && !overflow && size <= Self.flatLimit {
            flat = .allocate(capacity: 2 * size)
            flat!.initialize(repeating: 0)
        } else {
            flat = nil
        }
    }

    deinit {
        flat?.deallocate()
    }

    @inline(__always)
    func add(user: Int, key: Int, category: Int, merged: Int64 = 0, raw: Int64 = 0) {
        let slot = (user * keyCount + key) * categoryCount + category
        if let flat {
            flat[2 * slot] &+= merged
            flat[2 * slot + 1] &+= raw
        } else {
            sparse[slot, default: (0, 0)].merged += merged
            sparse[slot, default: (0, 0)].raw += raw
        }
    }

    func forEach(_ body: (_ user: Int, _ key: Int, _ category: Int, _ merged: Int64, _ raw: Int64) -> Void) {
        let perUser = keyCount * categoryCount
        guard perUser > 0 else { return }
        func visit(_ slot: Int, _ merged: Int64, _ raw: Int64) {
            guard merged != 0 || raw != 0 else { return }
            body(slot / perUser, slot % perUser / categoryCount, slot % categoryCount, merged, raw)
        }
        if let flat {
            for slot in 0..<flat.count / 2 { visit(slot, flat[2 * slot], flat[2 * slot + 1]) }
        } else {
            for (slot, value) in sparse { visit(slot, value.merged, value.raw) }
        }
    }
}
