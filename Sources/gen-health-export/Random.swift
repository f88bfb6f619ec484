import TallyCore

/// The draws the generator makes, from SplitMix64: the same seed gives the same export on every
/// machine and every Swift version (nothing here goes through the standard library's
/// `random(in:)`, whose method may change).
struct Draws {
    private var generator: SplitMix64

    init(seed: Int64) {
        generator = SplitMix64(seed: UInt64(bitPattern: seed))
    }

    /// Uniform in [0, 1), from 53 bits.
    mutating func unit() -> Double {
        Double(generator.next() >> 11) * 0x1p-53
    }

    /// Uniform in 0..<count (Lemire's multiply-shift, with its negligible bias).
    mutating func below(_ count: Int) -> Int {
        precondition(count > 0)
        return Int(generator.next().multipliedFullWidth(by: UInt64(count)).high)
    }

    /// Uniform in lower...upper, both included.
    mutating func integer(_ lower: Int, _ upper: Int) -> Int {
        lower + below(upper - lower + 1)
    }

    mutating func element<T>(of choices: [T]) -> T {
        choices[below(choices.count)]
    }

    /// Uniform in [lower, upper) to `decimals` places, as an integer scaled by 10^decimals.
    mutating func fixed(_ lower: Int, _ upper: Int, decimals: Int) -> Int {
        var unit = 1
        for _ in 0..<decimals { unit *= 10 }
        return lower * unit + below((upper - lower) * unit)
    }
}

/// Choices with weights, drawn in proportion to them.
struct WeightedChoice<Element> {
    private let elements: [Element]
    private let cumulative: [Int]

    init(_ weighted: [(Element, weight: Int)]) {
        elements = weighted.map(\.0)
        var sum = 0
        cumulative = weighted.map {
            sum += $0.weight
            return sum
        }
    }

    func draw(_ draws: inout Draws) -> Element {
        let point = draws.below(cumulative.last!)
        var index = 0
        while cumulative[index] <= point { index += 1 }
        return elements[index]
    }
}

extension WeightedChoice: Sendable where Element: Sendable {}
