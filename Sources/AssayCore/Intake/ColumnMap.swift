import Foundation

/// Which applicant field each column of a file feeds: the file's header (or a JSON object's
/// keys) matched to ``ApplicantValidator/columns`` by name, by common synonym (`E-mail`,
/// `Full Name`, `Degree`, `Years of experience`, `Country code`…, in any case and with or
/// without accents), or by the user's `--map`.
///
/// A name given as separate first- and last-name columns makes the full name. Columns whose
/// name starts with `_` (the `_line`, `_field` and `_reason` of a rejects file) are ignored
/// silently; other unknown columns are ignored and named once, in ``ignored``.
public struct ColumnMap: Sendable, Equatable {
    /// The header cells as the file writes them.
    public let header: [String]
    /// For each column: the field it feeds, or nil when it is ignored.
    public let fields: [String?]
    /// The columns of a name split in two (first name, last name), when the file has no full
    /// name column.
    public let firstNameColumn: Int?
    /// See ``firstNameColumn``.
    public let lastNameColumn: Int?
    /// The names of the columns ignored because no field matches them (without the `_` ones
    /// and unnamed ones).
    public let ignored: [String]

    /// The column of a field.
    ///
    /// - Parameter field: one of ``ApplicantValidator/columns``.
    /// - Returns: its column's index, or nil when the file has none.
    public func column(of field: String) -> Int? { fields.firstIndex { $0 == field } }

    /// Names people give the fields, folded by ``ISOCodes/nameKey(_:)``.
    static let synonyms: [String: String] = {
        var table: [String: String] = [:]
        let names: [String: [String]] = [
            "email": ["email", "emailaddress", "mail", "mailaddress", "courriel", "adressemail", "adresseemail", "adresseelectronique",
                      "correo", "correoelectronico", "primaryemail", "candidateemail", "applicantemail", "emailid"],
            "full_name": ["fullname", "name", "candidatename", "applicantname", "nomcomplet", "nombrecompleto", "completename",
                          "candidate", "applicant", "nameofcandidate", "vollstandigername"],
            "country": ["country", "countrycode", "countryiso", "iso", "isocountry", "nation", "countryofresidence", "residencecountry",
                        "pays", "land", "pais", "codepays"],
            "languages": ["languages", "language", "langs", "lang", "spokenlanguages", "languagesspoken", "langues", "langue", "sprachen",
                          "idiomas", "languagecodes"],
            "domains": ["domains", "domain", "expertise", "areaofexpertise", "areasofexpertise", "field", "fields", "specialty", "speciality",
                        "specialties", "specialities", "discipline", "disciplines", "domaine", "domaines", "vertical", "verticals"],
            "highest_degree": ["highestdegree", "degree", "education", "educationlevel", "highesteducation", "levelofeducation", "diploma",
                               "diplome", "qualification", "highestqualification", "abschluss", "titulo", "degreelevel"],
            "years_experience": ["yearsexperience", "yearsofexperience", "years", "experience", "experienceyears", "yoe", "yearsexp",
                                 "experienceinyears", "anneesexperience", "anneesdexperience", "berufserfahrung", "anosdeexperiencia",
                                 "anosexperiencia", "yrsexperience", "yearsofprofessionalexperience"],
            "phone": ["phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "telephone", "tel", "telefono",
                      "telefon", "portable", "contactnumber", "phoneno"],
            "source": ["source", "channel", "origin", "sourcechannel", "leadsource", "provenance", "applicationsource"],
            "external_id": ["externalid", "id", "applicantid", "candidateid", "applicationid", "ref", "reference", "referenceid", "atsid",
                            "recordid", "externalreference"],
            "applied_at": ["appliedat", "applied", "applicationdate", "dateapplied", "appliedon", "submitted", "submittedat", "submissiondate",
                           "date", "datedecandidature", "dateofapplication"],
            "resume_text": ["resumetext", "resume", "cv", "cvtext", "curriculum", "curriculumvitae", "resumecontent"],
            "(first name)": ["firstname", "givenname", "forename", "prenom", "vorname", "first"],
            "(last name)": ["lastname", "surname", "familyname", "nom", "nachname", "apellido", "apellidos", "last"],
        ]
        for (field, keys) in names { for key in keys { table[key] = field } }
        return table
    }()

    /// The field a column name means by itself (nil: none).
    ///
    /// - Parameter name: the header cell or JSON key.
    /// - Returns: a field of ``ApplicantValidator/columns``, `(first name)`, `(last name)`, or nil.
    static func field(named name: String) -> String? {
        if ApplicantValidator.columns.contains(name) { return name }
        let key = ISOCodes.nameKey(splittingCamelCase(name))
        return synonyms[key]
    }

    /// `fullName` → `full Name`, so that camel-case JSON keys fold like spaced names.
    private static func splittingCamelCase(_ name: String) -> String {
        var out = ""
        var previousLower = false
        for character in name {
            if character.isUppercase, previousLower { out.append(" ") }
            previousLower = character.isLowercase
            out.append(character)
        }
        return out
    }

    /// Matches a header.
    ///
    /// - Parameters:
    ///   - header: the header cells as written.
    ///   - userMap: the user's `--map`: header name (matched in any case and without accents) →
    ///     field, or "" to ignore that column.
    ///   - file: the file, for errors.
    /// - Throws: ``AssayError`` (bad input, line 1) naming every missing required column at
    ///   once, two columns that mean the same field, or a `--map` entry that names no column or
    ///   no field.
    public init(header: [String], userMap: [String: String] = [:], file: String? = nil) throws {
        self.header = header
        var fields = [String?](repeating: nil, count: header.count)
        var first: Int?, last: Int?
        var ignored: [String] = []
        var mapped = Set<String>()
        let userKeys = Dictionary(userMap.map { (ISOCodes.nameKey($0.key), ($0.key, $0.value)) }, uniquingKeysWith: { $1 })
        for target in userMap.values where !target.isEmpty && !ApplicantValidator.columns.contains(target) {
            throw AssayError(.badInput, "--map names the field '\(target)', which is not one; the fields are \(ApplicantValidator.columns.sorted().joined(separator: ", "))",
                             file: file)
        }
        for (index, cell) in header.enumerated() {
            let name = cell.trimmingCharacters(in: .whitespaces)
            if let (_, target) = userKeys[ISOCodes.nameKey(name)], !ISOCodes.nameKey(name).isEmpty {
                mapped.insert(ISOCodes.nameKey(name))
                fields[index] = target.isEmpty ? nil : target
                continue
            }
            if name.hasPrefix("_") || name.isEmpty { continue }
            switch Self.field(named: name) {
            case "(first name)"?: if first == nil { first = index } else { ignored.append(name) }
            case "(last name)"?: if last == nil { last = index } else { ignored.append(name) }
            case let field?: fields[index] = field
            case nil: ignored.append(name)
            }
        }
        for (key, entry) in userKeys where !mapped.contains(key) {
            throw AssayError(.badInput, "--map names the column '\(entry.0)', which the header does not have; its columns are \(Self.listed(header))",
                             file: file, line: 1)
        }
        // Two columns for one field.
        var seen: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            guard let field else { continue }
            if let other = seen[field] {
                throw AssayError(.badInput, "columns '\(header[other])' (column \(other + 1)) and '\(header[index])' (column \(index + 1)) both mean \(field); remove one, or ignore one with --map '\(header[index])='",
                                 file: file, line: 1)
            }
            seen[field] = index
        }
        let nameFromParts = seen["full_name"] == nil && first != nil && last != nil
        if !nameFromParts {
            for part in [first, last].compactMap({ $0 }) { ignored.append(header[part].trimmingCharacters(in: .whitespaces)) }
        }
        let missing = ApplicantValidator.requiredColumns.filter { seen[$0] == nil && !($0 == "full_name" && nameFromParts) }
        if !missing.isEmpty {
            throw AssayError(.badInput, "the header lacks the required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) (its columns are \(Self.listed(header))); rename them in the file or map them with --map 'Header=\(missing[0])'",
                             file: file, line: 1)
        }
        self.fields = fields
        firstNameColumn = nameFromParts ? first : nil
        lastNameColumn = nameFromParts ? last : nil
        self.ignored = ignored
    }

    private static func listed(_ header: [String]) -> String {
        header.isEmpty ? "none" : header.map { ApplicantValidator.shown($0) }.joined(separator: ", ")
    }
}
