import Foundation
@testable import Liu
import Testing

@Suite("interrupted commands")
struct InterruptionTests {
    @Test func exitCodesAndMessage() {
        #expect(Interruption.exitCode(signal: SIGINT) == 130)
        #expect(Interruption.exitCode(signal: SIGTERM) == 143)
        #expect(Interruption.message(signal: SIGINT, stoppedQEMU: true) == "liu: interrupted (SIGINT), QEMU stopped")
        #expect(Interruption.message(signal: SIGTERM, stoppedQEMU: false) == "liu: interrupted (SIGTERM)")
    }

    /// The handler finds the processes liu started as its children and stops them.
    @Test func findsAndStopsChildren() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["60"]
        try Self.withSignalsUnblocked { try child.run() }
        defer { if child.isRunning { child.terminate() } }
        let found = Interruption.childProcesses().filter { $0.pid == child.processIdentifier }
        #expect(found == [Interruption.ChildProcess(pid: child.processIdentifier, command: "sleep")])
        let start = Date()
        Interruption.stop([child.processIdentifier])
        #expect(Date().timeIntervalSince(start) < 2)
        #expect(!Interruption.childProcesses().contains { $0.pid == child.processIdentifier })
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGTERM)
    }

    /// Runs `body` on a thread that blocks no signals, as liu's main thread, where QEMU starts
    /// (a child inherits the signal mask; the test's worker threads block SIGTERM).
    static func withSignalsUnblocked(_ body: @escaping @Sendable () throws -> Void) throws {
        nonisolated(unsafe) var failure: (any Error)?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            var none = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, nil)
            do { try body() } catch { failure = error }
            done.signal()
        }
        thread.start()
        done.wait()
        if let failure { throw failure }
    }
}

@Suite("network namespaces left behind")
struct NetworkNamespaceNameTests {
    @Test("a namespace is stale when the process in its name no longer runs; others' names are never touched")
    func staleness() {
        let mine = NetworkNamespaceNames.make("peer")
        #expect(mine.hasPrefix("liu-peer-\(getpid())-"))
        #expect(!NetworkNamespaceNames.isStale(mine))
        // Above the largest process id Linux hands out (pid_max is at most 2^22).
        #expect(NetworkNamespaceNames.isStale("liu-http-4194999-abc123"))
        for other in ["liu-peer-1a2b3c4d", "netns0", "liu-http-x-abc", "liu-peer-0-abc123", "other-peer-4194999-abc123"] {
            #expect(!NetworkNamespaceNames.isStale(other), "\(other)")
        }
    }
}
