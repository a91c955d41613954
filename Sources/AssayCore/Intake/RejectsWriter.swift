import Foundation

/// The rejects file, written through ``OutputFile``: checked before the import starts (never a
/// folder, a link or the input), created 0600 (it holds applicants' personal data), and named
/// only when the import completes, so an interrupted import leaves nothing behind.
final class RejectsWriter {
    let path: String
    private let file: OutputFile

    init(path: String, input: String) throws {
        self.path = path
        file = try OutputFile(path: path, inputs: [input], personalData: true, field: "rejects")
        try file.write("line,field,reason,row\n")
    }

    func write(_ rejection: Intake.Rejection, raw: [UInt8]) throws {
        let row = String(decoding: raw, as: UTF8.self)
        let line = [String(rejection.line), rejection.field, rejection.reason, row].map(CSVText.field).joined(separator: ",") + "\n"
        try file.write(line)
    }

    func flush() throws {}

    func commit() throws {
        try file.commit()
    }

    func discard() {
        file.discard()
    }
}
