// libFuzzer entry point for the GIFT reader: any bytes, decoded as UTF-8, must convert without
// a crash, a trap or a hang, and every diagnostic must point inside the input.
// Built and run by scripts/fuzz-gift.sh (not part of the package build).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let result = GIFTImporter.convert(text, file: "fuzz.gift", bankSlug: "fuzz")
    let lines = text.reduce(1) { $0 + ($1 == "\n" || $1 == "\r\n" || $1 == "\r" ? 1 : 0) }
    for diagnostic in result.diagnostics where diagnostic.line < 1 || diagnostic.line > lines + 1 || diagnostic.column < 1 {
        fatalError("diagnostic outside the input: \(diagnostic)")
    }
    return 0
}
