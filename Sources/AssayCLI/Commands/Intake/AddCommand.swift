import ArgumentParser
import AssayCore
import Foundation

/// `assay intake add`: one applicant, from flags.
struct AddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add one applicant.",
        discussion: """
            Example:
              assay intake add --email ana@example.org --name "Ana Ruiz" --country ES --languages es,en \\
                  --domains medicine --degree md --years 12
            """)
    @Option(help: "Email (the expert's identity; trimmed and lower-cased).") var email: String
    @Option(help: "Full name.") var name: String
    @Option(help: "Country, ISO 3166-1 alpha-2 (e.g. FR).") var country: CountryCode
    @Option(help: "Languages, ISO 639-1 codes separated by commas (e.g. fr,en); optional.") var languages: CommaSeparated<LanguageCode>?
    @Option(help: "Claimed domains separated by commas (e.g. medicine,chemistry).") var domains: CommaSeparated<Slug>
    @Option(help: "Highest degree; optional.") var degree: Degree?
    @Option(help: "Years of professional experience, 0 to 70; optional.") var years: Int?
    @Option(help: "Phone number; optional.") var phone: String?
    @Option(help: "Where the application came from (default: manual).") var source: String?
    @Option(name: .customLong("external-id"), help: "The application's id at its source (default: the email and the domains, e.g. jane@example.org:law+medicine).") var externalID: String?
    @Option(name: .customLong("resume-file"), help: "A text file holding the résumé.") var resumeFile: String?
    @Option(name: .customLong("applied-at"), help: "When the person applied, ISO 8601 (default: now).") var appliedAt: String?
    @Option(help: "Who adds, for the audit trail (default: the OS user).") var actor: String?
    @Option(help: "Output format: text or json.") var format: FormatOption<TextOrJSON> = .standard
    @OptionGroup var database: DatabaseOptions

    /// The degrees an applicant can hold.
    enum Degree: String, CaseIterable, ExpressibleByArgument {
        case none, bachelor, master, phd, md, jd, other

        /// Parses the name in any case.
        init?(argument: String) { self.init(rawValue: argument.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    /// The service's field names (the import's columns) and the flags that feed them.
    static let flags: KeyValuePairs = [
        "email": "--email", "full_name": "--name", "country": "--country", "languages": "--languages", "domains": "--domains",
        "highest_degree": "--degree", "years_experience": "--years", "source": "--source", "external_id": "--external-id",
        "resume_text": "--resume-file", "applied_at": "--applied-at", "phone": "--phone",
    ]

    func validate() throws {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ValidationError("--name must not be empty") }
        guard trimmed.count <= 300 else { throw ValidationError("--name must be at most 300 characters, is \(trimmed.count)") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw ValidationError("--name must not contain a control character (a line break or a tab?)")
        }
        if let years, !(0...70).contains(years) { throw ValidationError("--years must be a whole number from 0 to 70, is \(years)") }
    }

    func run() throws {
        var resume: String?
        if let resumeFile {
            guard let data = FileManager.default.contents(atPath: resumeFile), let text = String(data: data, encoding: .utf8) else {
                throw AssayError(.badInput, "--resume-file \(resumeFile) cannot be read as UTF-8 text")
            }
            guard !text.utf8.contains(0) else {
                throw AssayError(.badInput, "--resume-file \(resumeFile) contains a NUL character; it must be plain text")
            }
            resume = text
        }
        let input = ApplicantInput(fields: [
            "email": email, "full_name": name, "country": country.code, "highest_degree": degree?.rawValue ?? "", "years_experience": years.map(String.init) ?? "",
            "phone": phone ?? "",
            "source": source ?? "manual", "external_id": externalID ?? "",
            "resume_text": resume ?? "", "applied_at": appliedAt ?? "",
        ], lists: [
            "languages": languages?.elements.map(\.code) ?? [],
            "domains": domains.elements.map(\.name),
        ])
        let result = try namingFlags(Self.flags) {
            try Intake(connection: try database.migratedConnection()).add(input, actor: actor ?? ActorName.current)
        }
        if format.value == .json {
            try printJSON(result)
        } else {
            print("expert \(result.expertID): \(result.newExpert ? "new" : "already known")")
            print(result.newApplication ? "application recorded" : "no application recorded: \(result.reason ?? "it was already there")")
        }
    }
}
