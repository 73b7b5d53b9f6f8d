/// `sample` edited by a fuzzer's input: its second byte cuts up to 63 bytes off the end, then
/// each following three bytes write one byte (offset little-endian, then the value).
func edited(_ sample: [UInt8], by input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var bytes = sample
    bytes.removeLast(min(Int(input[1] % 64), bytes.count))
    var edit = 2
    while edit + 3 <= input.count, !bytes.isEmpty {
        let offset = (Int(input[edit]) | Int(input[edit + 1]) << 8) % bytes.count
        bytes[offset] = input[edit + 2]
        edit += 3
    }
    return bytes
}
