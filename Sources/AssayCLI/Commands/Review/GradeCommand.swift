import ArgumentParser
import AssayCore
import Foundation

/// `assay review grade SCREEN ITEM --points P`: grade one essay.
struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grade", abstract: "Grade one essay; the screen's result is final once all its essays are graded.")
    @Argument(help: "The screen's id.") var screen: Int
    @Argument(help: "The item: its position in the screen, or its id in the bank.") var item: String
    @Option(help: "Points awarded, from 0 to the item's points.") var points: Double
    @Option(help: "The reviewer's note.") var note: String?
    @Option(help: "Who grades, for the audit trail (default: the OS user).") var actor: String?
    @OptionGroup var database: DatabaseOptions

    /// The service's names for the parameters these flags feed, for its error messages.
    static let flags: KeyValuePairs = ["points": "--points", "note": "--note", "actor": "--actor"]

    func validate() throws {
        guard points.isFinite, points >= 0 else { throw ValidationError("--points must be a number from 0 to the item's points, is \(points)") }
    }

    func run() throws {
        try namingFlags(Self.flags) {
            try Reviews(connection: try database.migratedConnection()).grade(screenID: screen, item: item, points: points, note: note, actor: actor ?? ActorName.current)
        }
        print("graded screen \(screen) item \(item): \(String(format: "%g", points)) points".visibleSafe)
    }
}
