import Liu
import Testing

@Suite("Counter status lines")
struct CounterStatusTests {
    @Test("a status line after an update is parsed with its downtime phases in order")
    func afterUpdate() throws {
        let status = try #require(CounterStatus(parsing:
            "version=2 count=7 boots=3 uptime-ms=1234 updates=2 history=1,2,1 downtime-ns total=900 save=100 hand-over=800"))
        #expect(status.version == "2" && status.count == 7 && status.boots == 3)
        #expect(status.uptimeMilliseconds == 1234 && status.updates == 2)
        #expect(status.history == ["1", "2", "1"])
        #expect(status.downtime.phases.map(\.name) == ["total", "save", "hand-over"])
        #expect(status.downtime.phases.map(\.nanoseconds) == [900, 100, 800])
    }

    @Test("before any update there is no downtime; malformed lines are refused")
    func beforeUpdateAndMalformed() {
        let fresh = CounterStatus(parsing: "version=1 count=0 boots=1 uptime-ms=5 updates=0 history=1 downtime-ns none")
        #expect(fresh?.downtime.phases.isEmpty == true)
        #expect(CounterStatus(parsing: "count=1 boots=1 version=1") == nil)
        #expect(CounterStatus(parsing: "version=1 count=x boots=1 uptime-ms=5 updates=0 history=1") == nil)
        #expect(CounterStatus(parsing: "version=1 count=0 boots=1 uptime-ms=5 updates=0 history=1 downtime-ns total=abc") == nil)
    }
}
