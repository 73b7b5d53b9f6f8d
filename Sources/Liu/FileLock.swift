import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a file (flock), held while a build writes a folder that another build
/// (a second `liu`, or the tests running in parallel) may write too.
enum FileLock {
    static func holding<Result>(_ file: URL, _ body: () throws -> Result) throws -> Result {
        let descriptor = open(file.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ToolFailure(description: "cannot open the lock file \(file.path)") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw ToolFailure(description: "cannot lock \(file.path)") }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
