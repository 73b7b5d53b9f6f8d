import Foundation

/// Runs tools and reports failures with the command and its output.
struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}

enum Shell {
    /// Runs `executable` with `arguments` (and `input` on its standard input, through a file so
    /// that a long input and a long output cannot block each other), returning its combined
    /// output; throws when it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try locate(executable))
        process.arguments = arguments
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("liu-input-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: inputFile) }
        if let input {
            try input.write(to: inputFile, atomically: false, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw ToolFailure(description: "\(executable) failed (exit \(process.terminationStatus)):\n\(text)")
        }
        return text
    }

    /// The full path of a tool on PATH (or the path itself when it has a slash).
    static func locate(_ executable: String) throws -> String {
        if executable.contains("/") { return executable }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolFailure(description: "\(executable) not found on PATH")
    }
}
