import LiveUpdate

/// libFuzzer entry point over `LiveUpdate.validate`/`resume` and every `Restore` accessor.
/// Built and run by `run-fuzz.sh storage`. Input layout:
///   byte 0, bit 0: recompute the checksum after editing, so structural checks are reached;
///   byte 0, bit 1: the rest of the input is the whole area;
///   otherwise: byte 1 trims that many bytes (mod 64) off a valid sample area, and each
///   following 3 bytes {offset low, offset high, value} overwrite one byte of it.
@_cdecl("LLVMFuzzerTestOneInput")
public func storageFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let area = input[0] & 2 != 0 ? TestArea(copying: Array(input[1...])) : editedSample(input)
    if input[0] & 1 != 0 { area.reseal() }
    if case .walkFailed(let error) = AreaExerciser.exercise(area.pointer, limit: area.size) {
        fatalError("a validated area failed to walk: \(error)")
    }
    return 0
}

private let sample: [UInt8] = (try? SampleArea.everyEntryType()) ?? []

private func editedSample(_ input: UnsafeBufferPointer<UInt8>) -> TestArea {
    TestArea(copying: edited(sample, by: input))
}
