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
            (assay outcomes import), and the validity report closes the loop. Open the demo's
            database with psql "$(assay db url --demo)".

            Examples:
              assay demo
              assay demo --applications my-applicants.csv --roster /tmp/roster.csv
            """)

    /// The shipped sample applicants, else `examples/applications.csv` in the current folder.
    static var defaultApplications: String { ShippedData.path(ShippedData.sampleApplicants, or: "examples/applications.csv") }

    @Option(help: "The applicants to import (default: the shipped sample, examples/applications.csv).") var applications: String?
    @Option(help: "The banks folder (default: the shipped banks).") var banks: String?
    @Option(help: "Where to write the roster.") var roster = "roster.csv"
    @Option(help: "Seed of the simulated candidates.") var seed: UInt64 = 42

    func run() throws {
        let applications = self.applications ?? Self.defaultApplications
        let banks = self.banks ?? BankCommand.defaultPath
        guard FileManager.default.fileExists(atPath: applications) else {
            throw AssayError(.badInput, "cannot find \(applications); reinstall assay with scripts/install.sh (it ships the sample), or pass --applications FILE")
        }
        let configuration = DatabaseConfiguration.resolve(option: nil)
        guard case .embedded(let cluster) = configuration else {
            throw AssayError(.configuration, "assay demo runs on the embedded cluster and resets its own database; unset \(configuration.summary.replacingOccurrences(of: "server from ", with: "")) to run it")
        }
        let connection = try Demo.resetDatabase(in: cluster)
        print("applicants: \(applications)")
        print("banks: \(banks)")
        print("demo database: \(DatabaseOptions.Cluster(cluster).uri(database: "assay_demo")) (reset)")
        let report = try Demo(connection: connection, banksPath: banks, applicationsPath: applications, rosterPath: roster, seed: seed) { print($0) }.run()
        print("")
        print("funnel per domain:")
        var table = TextTable([.init(title: "DOMAIN")] + ["APPLIED", "INVITED", "SCREENED", "PASSED", "POOLED"].map { .init(title: $0, alignRight: true) })
        for row in report.funnel {
            table.append([row.domain] + [row.applied, row.invited, row.screened, row.passed, row.pooled].map(String.init))
        }
        table.print()
        print("")
        print("roster: \(report.rosterRows) pool members written to \(roster)")
        if let validity = report.validity {
            print("")
            print("does the screen predict the simulated client's gold accuracy? (assay validity report)")
            print(ValidityReportCommand.table(validity), terminator: "")
        }
        print("look around: psql \"$(assay db url --demo)\", or assay pool list --database-url \"$(assay db url --demo)\"")
    }
}
