import Foundation

/// One thread that lives as long as the process and starts child processes on request: a
/// child's parent-death signal (`setpriv --pdeathsig`) fires when the thread that started it
/// ends, and the threads of Dispatch and of test runners come and go.
final class SpawningThread: @unchecked Sendable {
    static let shared = SpawningThread()

    private let condition = NSCondition()
    private var pending: [() -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in serve() }
        thread.name = "liu child spawner"
        thread.start()
    }

    /// Runs `body` on the spawning thread and waits for it.
    func perform(_ body: @escaping () throws -> Void) throws {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        condition.withLock {
            pending.append {
                do { try body() } catch { failure = error }
                done.signal()
            }
            condition.signal()
        }
        done.wait()
        if let failure { throw failure }
    }

    private func serve() -> Never {
        while true {
            let work = condition.withLock {
                while pending.isEmpty { condition.wait() }
                return pending.removeFirst()
            }
            work()
        }
    }
}
