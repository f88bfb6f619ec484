import Foundation

/// One span as the counting sees it: whole milliseconds, clipped to the report window, with
/// its strings replaced by small numbers.
struct CountedSpan {
    var start: Int64
    var end: Int64
    /// Before clipping: the tie-break between equally ranked sources is the earlier start.
    var originalStart: Int64
    var rank: Int32
    var category: Int32
    var key: Int32
    /// Where the span is in the caller's array, for its id and strings.
    var index: Int32
}

/// Splits one user's overlapping spans into stretches that each belong to exactly one span: at
/// every instant the covering span whose source ranks first wins, then the earlier start, then
/// the smaller id.
///
/// A sweep over starts and ends: spans enter a heap ordered by that rule as the sweep reaches
/// their start, and leave it lazily when they surface after their end. A heap that fills with
/// ended spans (short workouts under a day-long manual entry) is pruned when it doubles, so the
/// work stays O(n log n) and the heap near the number of spans running at once.
struct OverlapSweep {
    private var heap: [Int] = []

    /// Calls `body(start, end, winner)` for each stretch, in time order, where `winner` indexes
    /// `spans`, which must be sorted by start. Consecutive stretches may have the same winner.
    mutating func segments(
        of spans: UnsafeBufferPointer<CountedSpan>, idPrecedes: (Int32, Int32) -> Bool,
        _ body: (_ start: Int64, _ end: Int64, _ winner: Int) -> Void
    ) {
        heap.removeAll(keepingCapacity: true)
        var pruneAt = 64
        var next = 0
        var now = Int64.min

        func beats(_ a: Int, _ b: Int) -> Bool {
            let x = spans[a]
            let y = spans[b]
            if x.rank != y.rank { return x.rank < y.rank }
            if x.originalStart != y.originalStart { return x.originalStart < y.originalStart }
            if x.index == y.index { return false }
            return idPrecedes(x.index, y.index)
        }
        func siftDown(_ start: Int) {
            var parent = start
            let count = heap.count
            while true {
                let left = 2 * parent + 1
                if left >= count { return }
                var best = left
                if left + 1 < count && beats(heap[left + 1], heap[left]) { best = left + 1 }
                if !beats(heap[best], heap[parent]) { return }
                heap.swapAt(best, parent)
                parent = best
            }
        }
        func push(_ span: Int) {
            heap.append(span)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if !beats(heap[child], heap[parent]) { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
        func dropEnded() {
            while let top = heap.first, spans[top].end <= now {
                let last = heap.removeLast()
                if !heap.isEmpty {
                    heap[0] = last
                    siftDown(0)
                }
            }
            if heap.count >= pruneAt {
                heap.removeAll { spans[$0].end <= now }
                for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(index) }
                pruneAt = max(64, heap.count * 2)
            }
        }

        while true {
            dropEnded()
            if heap.isEmpty {
                guard next < spans.count else { return }
                now = spans[next].start
            }
            while next < spans.count && spans[next].start <= now {
                push(next)
                next += 1
            }
            let winner = heap[0]
            let end = next < spans.count ? min(spans[winner].end, spans[next].start) : spans[winner].end
            body(now, end, winner)
            now = end
        }
    }
}
