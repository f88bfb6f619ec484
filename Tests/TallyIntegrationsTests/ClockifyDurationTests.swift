import Testing
@testable import TallyIntegrations

@Suite struct ClockifyDurationTests {
    @Test(
        "ISO 8601 durations as Clockify writes them",
        arguments: [
            ("PT1H30M", 5400.0), ("PT45S", 45), ("PT0S", 0), ("P1DT2H", 93_600), ("PT2H54M", 10_440), ("PT26H", 93_600),
            ("P2D", 172_800), ("P1W", 604_800), ("PT1.5S", 1.5), ("PT1M0.25S", 60.25), ("P1DT0H0M1S", 86_401),
        ])
    func valid(text: String, seconds: Double) {
        #expect(ClockifyDuration.seconds(text) == seconds)
    }

    @Test(
        "anything else is nil",
        arguments: ["", "P", "PT", "P1DT", "1H", "PT1H30", "PTH", "PT1M1H", "PT1H1H", "P1Y", "P1M", "PT-1S", "pt1h", "PT1.5H30M", "P1DT2H ", "null"])
    func invalid(text: String) {
        #expect(ClockifyDuration.seconds(text) == nil)
    }

    @Test("the wire entry reads its duration, and a running one has none")
    func onTheEntry() {
        let done = ClockifyTimeEntry(id: "a", start: .now, end: .now, duration: "PT2H")
        #expect(done.durationSeconds == 7200)
        #expect(ClockifyTimeEntry(id: "b", start: .now, end: nil).durationSeconds == nil)
    }
}
