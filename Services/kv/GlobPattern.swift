import Kernel

/// Redis's glob patterns (KEYS, SCAN MATCH, CONFIG GET): `*` any run of bytes, `?` one byte,
/// `[abc]`, `[^a-z]` classes, `\x` the byte x.
struct GlobPattern {
    let pattern: Bytes

    init(_ pattern: Bytes) { self.pattern = pattern }

    /// Whether the pattern matches everything (KEYS * and SCAN without MATCH skip the test).
    var matchesAll: Bool { pattern == [UInt8(ascii: "*")] }

    func matches(_ text: Bytes) -> Bool {
        matches(text, from: 0, at: 0)
    }

    private func matches(_ text: Bytes, from patternStart: Int, at textStart: Int) -> Bool {
        var p = patternStart
        var t = textStart
        while p < pattern.count {
            switch pattern[p] {
            case UInt8(ascii: "*"):
                while p + 1 < pattern.count && pattern[p + 1] == UInt8(ascii: "*") { p += 1 }
                if p + 1 == pattern.count { return true }
                for start in t...text.count where matches(text, from: p + 1, at: start) { return true }
                return false
            case UInt8(ascii: "?"):
                guard t < text.count else { return false }
                t += 1
            case UInt8(ascii: "["):
                guard t < text.count, let (matched, next) = matchClass(text[t], from: p + 1) else { return false }
                guard matched else { return false }
                p = next
                t += 1
                continue
            case UInt8(ascii: "\\") where p + 1 < pattern.count:
                p += 1
                guard t < text.count, text[t] == pattern[p] else { return false }
                t += 1
            default:
                guard t < text.count, text[t] == pattern[p] else { return false }
                t += 1
            }
            p += 1
        }
        return t == text.count
    }

    /// Whether `byte` is in the class that starts at `start` (after the `[`), and the index
    /// after its `]` (an unclosed class ends with the pattern, as in Redis).
    private func matchClass(_ byte: UInt8, from start: Int) -> (Bool, Int)? {
        var p = start
        let negated = p < pattern.count && pattern[p] == UInt8(ascii: "^")
        if negated { p += 1 }
        var matched = false
        while p < pattern.count && pattern[p] != UInt8(ascii: "]") {
            if pattern[p] == UInt8(ascii: "\\") && p + 1 < pattern.count {
                p += 1
                if pattern[p] == byte { matched = true }
            } else if p + 2 < pattern.count && pattern[p + 1] == UInt8(ascii: "-") && pattern[p + 2] != UInt8(ascii: "]") {
                let (low, high) = (min(pattern[p], pattern[p + 2]), max(pattern[p], pattern[p + 2]))
                if byte >= low && byte <= high { matched = true }
                p += 2
            } else if pattern[p] == byte {
                matched = true
            }
            p += 1
        }
        return (matched != negated, min(p + 1, pattern.count))
    }
}
