/// SplitMix64 (Steele, Lea and Flood): a tiny generator whose consecutive states give distinct,
/// well-mixed values. Reproducible from its seed, so never for secrets: request ids, and tests
/// whose failures must repeat.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The step between states.
    public static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    public var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= Self.gamma
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
