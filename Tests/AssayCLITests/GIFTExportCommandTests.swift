import AssayTesting
import Foundation
import Testing

@Suite("assay bank export-gift")
struct GIFTExportCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("a shipped bank file exports as GIFT that import-gift reads back; items GIFT cannot hold are named and exit 1; an existing --out is not replaced")
    func exportShippedBankFile() throws {
        let root = try TemporaryFolder.make(prefix: "assay-export-gift-")
        defer { try? FileManager.default.removeItem(at: root) }
        let bankFile = Self.repository.appendingPathComponent("interview-banks/physics/core.yaml").path
        let out = root.appendingPathComponent("physics.gift")
        let export = try CommandRun.assay(["bank", "export-gift", bankFile, "--out", out.path])
        // physics-core has ordering items, which GIFT cannot express.
        #expect(export.status == 1, "\(export.stderr)")
        #expect(export.stderr.contains("error"))
        #expect(export.stderr.contains("wrote "))
        let gift = try String(contentsOf: out, encoding: .utf8)
        #expect(gift.contains("::phys-001::"))
        let again = try CommandRun.assay(["bank", "export-gift", bankFile, "--out", out.path])
        #expect(again.status == 2 && again.stderr.contains("already exists and is not replaced"), "\(again.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8) == gift, "the first export is untouched")

        let yaml = root.appendingPathComponent("back.yaml")
        let back = try CommandRun.assay(["bank", "import-gift", out.path, "--domain", "physics", "--bank", "physics-back", "--out", yaml.path])
        #expect(back.status == 0, "\(back.stderr)")
        let lines = try String(contentsOf: yaml, encoding: .utf8)
        #expect(lines.contains("id: \"phys-001\""))
    }

    @Test("import-gift refuses an invalid --bank slug with exit 2")
    func invalidSlug() throws {
        let root = try TemporaryFolder.make(prefix: "assay-import-slug-")
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("q.gift")
        try Data("::q1:: 2 + 2 = {=4 ~3 ~5}\n".utf8).write(to: file)
        let result = try CommandRun.assay(["bank", "import-gift", file.path, "--domain", "demo", "--bank", "Bad Slug"])
        #expect(result.status == 2)
    }
}
