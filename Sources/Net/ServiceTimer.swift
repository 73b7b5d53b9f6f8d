/// A one-shot timer for services, created by `NetworkStack.schedule(after:_:)`.
public final class ServiceTimer {
    public private(set) var isCancelled = false
    fileprivate var action: (() -> Void)?

    fileprivate init(action: @escaping () -> Void) { self.action = action }

    /// Prevents the action from running (no effect once it has run).
    public func cancel() {
        isCancelled = true
        action = nil
    }
}

extension NetworkStack {
    /// Runs `action` from `poll` once `delay` nanoseconds have passed.
    @discardableResult
    public func schedule(after delay: UInt64, _ action: @escaping () -> Void) -> ServiceTimer {
        // Cancelled timers stay in the heap until due; services that keep re-arming long
        // timeouts would pile them up, so they are swept whenever the heap doubles.
        if serviceTimers.count >= serviceTimerSweepThreshold {
            serviceTimers.removeAll { $0.isCancelled }
            serviceTimerSweepThreshold = max(1024, 2 * serviceTimers.count)
        }
        let timer = ServiceTimer(action: action)
        serviceTimers.insert(timer, deadline: now &+ delay)
        return timer
    }

    /// Timers in the queue, including cancelled ones not yet swept (for diagnostics).
    public var pendingServiceTimers: Int { serviceTimers.count }

    func runServiceTimers() {
        while let (_, timer) = serviceTimers.popDue(now: now) {
            guard let action = timer.action else { continue }
            timer.action = nil
            action()
        }
    }
}

/// The earlier of two optional deadlines (nil means "no deadline").
func earliest(_ a: UInt64?, _ b: UInt64?) -> UInt64? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
