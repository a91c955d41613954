import ArgumentParser
import AssayCore
import Foundation

/// `assay demo`: the whole pipeline on sample data, in a demo database of the embedded cluster.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on sample data and print the funnel per domain.",
        discussion: """
            Uses the database assay_demo of the embedded cluster ($ASSAY_HOME), which it drops and
            recreates on every run, so running it twice gives the same result and never touches
            the main database. Writes the roster of the resulting pool to ./roster.csv. A simulated
            client then receives the roster pseudonymized, measures each member's gold accuracy
            (driven by the simulated expert's true skill, with noise), sends it back by pseudonym
            (assay outcomes import), and the validity report closes the loop.
            """)

    @Option(help: "The applicants to import.") var applications = "examples/applications.csv"
    @Option(help: "The banks folder.") var banks = "interview-banks"
    @Option(help: "Where to write the roster.") var roster = "roster.csv"
    @Option(help: "Seed of the simulated candidates.") var seed: UInt64 = 42

    func run() throws {
        let configuration = DatabaseConfiguration.resolve(option: nil)
        guard case .embedded(let cluster) = configuration else {
            throw AssayError(.configuration, "assay demo runs on the embedded cluster and resets its own database; unset \(configuration.summary.replacingOccurrences(of: "server from ", with: "")) to run it")
        }
        guard FileManager.default.fileExists(atPath: applications) else {
            throw AssayError(.badInput, "cannot find \(applications); run assay demo from the repository's root folder or pass --applications FILE")
        }
        let connection = try Demo.resetDatabase(in: cluster)
        print("demo database: \(DatabaseOptions.Cluster(cluster).uri(database: "assay_demo")) (reset)")
        let report = try Demo(connection: connection, banksPath: banks, applicationsPath: applications, rosterPath: roster, seed: seed) { print($0) }.run()
        print("")
        print("funnel per domain:")
        print("DOMAIN".padding(toLength: 22, withPad: " ", startingAt: 0) + "APPLIED  INVITED  SCREENED  PASSED  POOLED")
        for row in report.funnel {
            print(row.domain.padding(toLength: 22, withPad: " ", startingAt: 0)
                  + [row.applied, row.invited, row.screened, row.passed, row.pooled].map { String($0).padding(toLength: 9, withPad: " ", startingAt: 0) }.joined())
        }
        print("")
        print("roster: \(report.rosterRows) pool members written to \(roster)")
        if let validity = report.validity {
            print("")
            print("does the screen predict the simulated client's gold accuracy? (assay validity report)")
            print(ValidityReportCommand.table(validity), terminator: "")
        }
    }
}
