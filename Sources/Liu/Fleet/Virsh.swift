import Foundation

/// libvirt through its command-line client: one `virsh -c URI …` per request, several at once
/// where libvirt is slow (`virsh destroy` takes 1.5–2 s a domain).
enum Virsh {
    /// Runs `virsh -c uri arguments…` and returns its output; throws with it when virsh fails.
    @discardableResult
    static func run(_ uri: String, _ arguments: [String]) throws -> String {
        try Shell.run("virsh", ["-c", uri] + arguments)
    }

    /// Runs every request at once and returns each one's output or error, in order.
    static func runAll(_ requests: [(uri: String, arguments: [String])]) -> [Result<String, any Error>] {
        parallel(requests.count) { index in Result { try run(requests[index].uri, requests[index].arguments) } }
    }

    /// The names of the domains on `uri` (running or not) that start with `prefix`.
    static func domains(_ uri: String, prefix: String) throws -> [String] {
        try run(uri, ["list", "--all", "--name"]).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix(prefix) }
    }

    /// Destroys the named domains at once (transient ones are gone after it).
    static func destroy(_ names: [(uri: String, name: String)]) throws {
        let failures = zip(names, runAll(names.map { ($0.uri, ["destroy", $0.name]) })).compactMap { name, result in
            if case .failure(let error) = result { return "\(name.name): \(error)" }
            return nil
        }
        guard failures.isEmpty else { throw ToolFailure(description: "virsh destroy failed:\n" + failures.joined(separator: "\n")) }
    }
}

/// `body(0)` … `body(count - 1)`, each on a thread of its own (Dispatch would run only as many
/// at once as there are cores, and these mostly wait), returning the results in order.
func parallel<Result>(_ count: Int, _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
    let results = ResultSlots<Result>(count)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            results.set(index, body(index))
            group.leave()
        }.start()
    }
    group.wait()
    return results.values
}

private final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) { lock.withLock { slots[index] = value } }
    var values: [Value] { lock.withLock { slots.map { $0! } } }
}
