import Foundation

/// The function symbols of an ELF image (32- or 64-bit, little-endian), from its `.symtab`:
/// what `liu bench update --profile` names guest addresses with. Only an unstripped image
/// (`NAME.debug.elf`) has them.
struct ELFSymbols {
    struct Symbol {
        let address: UInt64
        let name: String
    }

    /// By address.
    let symbols: [Symbol]

    init(image: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: image))
        guard bytes.count >= 52, bytes[0..<4].elementsEqual([0x7F, 0x45, 0x4C, 0x46]), bytes[5] == 1 else {
            throw Push.Failure("\(image.path): not a little-endian ELF image")
        }
        let wide = bytes[4] == 2
        func read(_ offset: Int, _ width: Int) throws -> UInt64 {
            guard offset >= 0, offset + width <= bytes.count else { throw Push.Failure("\(image.path): truncated ELF image") }
            return (0..<width).reversed().reduce(0) { $0 << 8 | UInt64(bytes[offset + $1]) }
        }
        let sectionTable = Int(try read(wide ? 0x28 : 0x20, wide ? 8 : 4))
        let entrySize = Int(try read(wide ? 0x3A : 0x2E, 2)), count = Int(try read(wide ? 0x3C : 0x30, 2))
        func section(_ index: Int) throws -> (type: UInt64, offset: Int, size: Int, link: Int) {
            let base = sectionTable + index * entrySize
            return (try read(base + 4, 4), Int(try read(base + (wide ? 0x18 : 0x10), wide ? 8 : 4)),
                    Int(try read(base + (wide ? 0x20 : 0x14), wide ? 8 : 4)), Int(try read(base + (wide ? 0x28 : 0x18), 4)))
        }
        guard let table = try (0..<count).map(section).first(where: { $0.type == 2 }) else {
            throw Push.Failure("\(image.path): no symbol table (a stripped image; profile NAME.debug.elf)")
        }
        let strings = try section(table.link)
        let symbolSize = wide ? 24 : 16
        var symbols: [Symbol] = []
        for base in stride(from: table.offset, to: table.offset + table.size, by: symbolSize) {
            let info = try read(base + (wide ? 4 : 12), 1), address = try read(base + (wide ? 8 : 4), wide ? 8 : 4)
            let section = try read(base + (wide ? 6 : 14), 2)
            // No type (assembly labels) or a function, defined in a section (not absolute: 0xFFF1).
            guard info & 0xF == 0 || info & 0xF == 2, section != 0, section < 0xFF00, address != 0 else { continue }
            var end = strings.offset + Int(try read(base, 4))
            let start = end
            while end < bytes.count && bytes[end] != 0 { end += 1 }
            let name = String(decoding: bytes[start..<end], as: UTF8.self)
            // ARM's mapping symbols ($x: code follows, $d: data) name no function.
            guard !(name.hasPrefix("$x") || name.hasPrefix("$d")) || name.count > 2 && name.dropFirst(2).first != "." else { continue }
            symbols.append(Symbol(address: address, name: name))
        }
        self.symbols = symbols.sorted { $0.address < $1.address }
    }

    /// The symbol at or below `address`, if any.
    func symbol(containing address: UInt64) -> Symbol? {
        var (low, high) = (0, symbols.count)
        while low < high {
            let middle = (low + high) / 2
            if symbols[middle].address <= address { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : symbols[low - 1]
    }

    /// The address of the first symbol whose name starts with `prefix`.
    func address(ofSymbolStartingWith prefix: String) -> UInt64? {
        symbols.first { $0.name.hasPrefix(prefix) }?.address
    }
}
