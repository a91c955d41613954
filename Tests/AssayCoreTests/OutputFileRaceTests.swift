import AssayCore
import Foundation
import Testing

@Suite("Output files that must not replace anything")
struct OutputFileRaceTests {
    @Test("a file created at the name while the output was written is not replaced, and nothing is left behind")
    func createdMeanwhile() throws {
        let folder = NSTemporaryDirectory() + "assay-race-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/export.gift"
        let file = try OutputFile(path: path, personalData: false, replacing: false, field: "--out")
        try file.write("new text")
        try "someone else's".write(toFile: path, atomically: false, encoding: .utf8)
        let error = #expect(throws: AssayError.self) { try file.commit() }
        #expect(error?.exitStatus == 2)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "someone else's")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["export.gift"])

        // With no file in the way it is named as usual.
        let fresh = folder + "/fresh.gift"
        let second = try OutputFile(path: fresh, personalData: false, replacing: false)
        try second.write("fresh")
        try second.commit()
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == "fresh")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["export.gift", "fresh.gift"])
    }
}
