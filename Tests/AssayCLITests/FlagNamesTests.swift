@testable import AssayCLI
import AssayCore
import Testing

@Suite("service errors about a parameter name the flag the user typed")
struct FlagNamesTests {
    @Test("intake add: a service error about highest_degree says --degree, full_name says --name")
    func intakeFields() {
        let degree = #expect(throws: AssayError.self) {
            try namingFlags(AddCommand.flags) { throw AssayError(.badInput, "'wizard' is not one of none, bachelor, master, phd, md, jd, other", field: "highest_degree") }
        }
        #expect(degree?.userMessage == "--degree: 'wizard' is not one of none, bachelor, master, phd, md, jd, other")
        let name = #expect(throws: AssayError.self) {
            try namingFlags(AddCommand.flags) { throw AssayError(.badInput, "is empty", field: "full_name") }
        }
        #expect(name?.userMessage == "--name: is empty")
        #expect(name?.exitStatus == 2)
    }

    @Test("screen invite: expiresInDays says --expires; the hint and the code are kept")
    func inviteParameters() {
        let error = #expect(throws: AssayError.self) {
            try namingFlags(InviteCommand.flags) {
                throw AssayError(.badInput, "must be between 1 hour and 365 days", field: "expiresInDays", hint: "for example 7d")
            }
        }
        #expect(error?.userMessage == "--expires: must be between 1 hour and 365 days")
        #expect(error?.hint == "for example 7d")
        #expect(error?.code == .badInput)
    }

    @Test("every command's list maps service names to long flags")
    func listsNameFlags() {
        let lists: [KeyValuePairs<String, String>] = [
            AddCommand.flags, ExpertsListCommand.flags, InviteCommand.flags, ScreenListCommand.flags, ExtendCommand.flags, VoidCommand.flags,
            GradeCommand.flags, PromoteCommand.flags, PoolListCommand.flags, SuspendCommand.flags, ReinstateCommand.flags,
            ExportCommand.flags, BankCalibrateCommand.flags, ReviewListCommand.flags,
        ]
        for list in lists {
            for (field, flag) in list {
                #expect(flag.hasPrefix("--") && !flag.contains("_"), "\(field) → \(flag)")
            }
        }
    }

    @Test("an error about a row or a line of a file keeps its column name, and other errors pass unchanged")
    func fileErrorsKeepColumns() {
        let row = #expect(throws: AssayError.self) {
            try namingFlags(AddCommand.flags) { throw AssayError(.badInput, "'wizard' is not a degree", file: "a.csv", line: 3, row: 2, field: "highest_degree") }
        }
        #expect(row?.userMessage == "a.csv:3: row 2: highest_degree: 'wizard' is not a degree")
        let other = #expect(throws: AssayError.self) {
            try namingFlags(AddCommand.flags) { throw AssayError(.notFound, "no bank 'x'", field: "bank") }
        }
        #expect(other?.userMessage == "bank: no bank 'x'")
        #expect(namingFlags(AddCommand.flags) { 42 } == 42)
    }
}
