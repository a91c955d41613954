// libFuzzer entry point for the YAML bank reader: any bytes, decoded as UTF-8, read as a bank file
// and as a domain.yaml, must give a result without a crash, a trap, a hang (libFuzzer's -timeout)
// or an out-of-memory (-rss_limit_mb), and every diagnostic must point inside the input.
// Built and run by scripts/fuzz-yaml.sh (not part of the package build).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    // Lines as YAML counts them: LF, CR LF, lone CR, and the Unicode breaks NEL, LS, PS.
    var lines = 1
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
        if scalar == "\n" && previous != "\r" { lines += 1 }
        if scalar == "\r" || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}" { lines += 1 }
        previous = scalar
    }
    let (bank, bankDiagnostics) = BankReader.bank(from: text, file: "fuzz.yaml")
    let (_, domainDiagnostics) = BankReader.domain(from: text, file: "domain.yaml")
    for diagnostic in bankDiagnostics + domainDiagnostics where diagnostic.line < 1 || diagnostic.line > lines + 1 || diagnostic.column < 1 {
        fatalError("diagnostic outside the input (\(lines) lines): \(diagnostic)")
    }
    // A bank that reads is written back and reads the same (the writer's round trip).
    if let bank {
        guard let yaml = try? BankWriter.yaml(bank) else { fatalError("a bank that reads cannot be written: \(bank.slug)") }
        let (again, problems) = BankReader.bank(from: yaml, file: "again.yaml")
        guard again == bank else { fatalError("a bank does not read back the same after writing: \(problems)") }
    }
    return 0
}
