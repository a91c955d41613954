internal import IntakeEngine

/// The hot path of a CSV import: validates the current record of a ``CSVReader`` on its bytes
/// and appends it to a ``StagedBatch``, allocating nothing per row.
///
/// It accepts exactly what ``ApplicantValidator`` accepts, with the same normalization; any
/// row it is unsure of (a failure, or non-ASCII text at the edge of a field where Unicode
/// whitespace trimming applies) goes through the validator itself, which also gives the exact
/// reason for a rejection. Tests check that both paths agree.
struct CSVApplicantStager {
    private let validator: ApplicantValidator
    private let columns: ColumnMap
    private var countries = [Bool](repeating: false, count: 26 * 26)
    private var languages = [Bool](repeating: false, count: 26 * 26)
    private let domains: [[UInt8]]
    private let degrees: [[UInt8]] = ApplicantValidator.degrees.map { Array($0.utf8) }
    private let defaultSource: [UInt8]
    /// The de-duplicated codes of the list being checked, one after the other (`seenEnds` marks
    /// where each ends), so that no array is allocated per code.
    private var seenCodes: [UInt8] = []
    private var seenEnds: [Int] = []
    /// The normalized text of the row's date, before it is read as an instant.
    private var dateScratch = ByteBuffer(capacity: 64)
    /// The column index of each field the fast path reads (nil: not in the header), looked up
    /// once rather than by name on every row.
    private let externalIDColumn, fullNameColumn, emailColumn, countryColumn, languagesColumn, domainsColumn,
                degreeColumn, yearsColumn, phoneColumn, sourceColumn, appliedAtColumn, resumeColumn, firstNameColumn, lastNameColumn: Int?

    init(columns: ColumnMap, validator: ApplicantValidator) {
        self.columns = columns
        self.validator = validator
        externalIDColumn = columns.column(of: "external_id")
        fullNameColumn = columns.column(of: "full_name")
        emailColumn = columns.column(of: "email")
        countryColumn = columns.column(of: "country")
        languagesColumn = columns.column(of: "languages")
        domainsColumn = columns.column(of: "domains")
        degreeColumn = columns.column(of: "highest_degree")
        yearsColumn = columns.column(of: "years_experience")
        phoneColumn = columns.column(of: "phone")
        sourceColumn = columns.column(of: "source")
        appliedAtColumn = columns.column(of: "applied_at")
        resumeColumn = columns.column(of: "resume_text")
        firstNameColumn = columns.firstNameColumn
        lastNameColumn = columns.lastNameColumn
        for code in ISOCodes.countries { countries[Self.pairIndex(Array(code.utf8), base: 65)] = true }
        for code in ISOCodes.languages { languages[Self.pairIndex(Array(code.utf8), base: 97)] = true }
        domains = validator.knownDomains.map { Array($0.utf8) }
        defaultSource = Array(validator.defaultSource.utf8)
    }

    private static func pairIndex(_ code: [UInt8], base: UInt8) -> Int {
        Int(code[0] - base) * 26 + Int(code[1] - base)
    }

    /// What happened to one record.
    enum Outcome {
        /// Appended to the batch.
        case staged
        /// Refused, with every problem.
        case rejected(RowProblems)
        /// A blank line, ignored.
        case blank
    }

    /// Validates the reader's current record and, when valid, appends it to `batch`.
    mutating func stage(_ reader: CSVReader, into batch: inout StagedBatch) -> Outcome {
        let ranges = reader.fieldRanges
        let bytes = reader.fieldBytes
        if ranges.count == 1, bytes[ranges[0]].allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return .blank }
        if let problem = reader.problem { return .rejected(RowProblems("(row)", problem)) }
        let width = columns.header.count
        if ranges.count != width {
            // Spreadsheets leave empty cells after the last named column (";;;"): those are fine.
            let extraIsEmpty = ranges.count > width && ranges[width...].allSatisfy { range in bytes[range].allSatisfy { $0 == 32 || $0 == 9 } }
            if !extraIsEmpty {
                return .rejected(RowProblems("(row)", "has \(ranges.count) fields but the header has \(width)"
                    + (ranges.count < width ? " (a line break inside an unquoted field?)" : " (a delimiter inside an unquoted field? quote the field)")))
            }
        }
        let mark = batch.bytes.count
        let fast = fastStage(bytes, ranges: ranges, line: reader.recordLine, into: &batch)
        if fast { return .staged }
        batch.bytes.truncate(to: mark)
        // The exact path: the validator decides, and explains.
        var fields: [String: String] = [:]
        var invalid: [FieldProblem] = []
        for (index, range) in ranges.prefix(width).enumerated() {
            guard let field = columns.fields[index] else { continue }
            guard let text = String(validating: bytes[range], as: UTF8.self) else {
                invalid.append(FieldProblem(field: field, reason: "is not valid UTF-8 (is the file in another encoding? see --encoding)"))
                continue
            }
            fields[field] = text
        }
        if let first = firstNameColumn, let last = lastNameColumn {
            guard let firstText = String(validating: bytes[ranges[first]], as: UTF8.self),
                  let lastText = String(validating: bytes[ranges[last]], as: UTF8.self) else {
                return .rejected(RowProblems("full_name", "is not valid UTF-8 (is the file in another encoding? see --encoding)"))
            }
            fields["full_name"] = ApplicantRowReader.joinedName(firstText, lastText)
        }
        if !invalid.isEmpty { return .rejected(RowProblems(problems: invalid)) }
        switch validator.validate(ApplicantInput(fields: fields)) {
        case .success(let record):
            if let problem = batch.append(record, line: reader.recordLine) { return .rejected(RowProblems(problems: [problem])) }
            return .staged
        case .failure(let problems):
            return .rejected(problems)
        }
    }

    // MARK: Byte-level checks

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }

    /// Whether a cell starting with this byte may start like a formula (see ``CSVText``).
    private static func startsFormula(_ byte: UInt8) -> Bool { byte == 61 || byte == 43 || byte == 45 || byte == 64 || byte == 9 || byte == 13 }

    /// The field trimmed of ASCII whitespace, or nil when a non-ASCII byte sits at an edge
    /// (Unicode whitespace might need trimming: leave that row to the exact path).
    private func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int>? {
        var low = range.lowerBound, high = range.upperBound
        while low < high, Self.isSpace(bytes[low]) { low += 1 }
        while high > low, Self.isSpace(bytes[high - 1]) { high -= 1 }
        if low < high, Self.mayBeUnicodeSpace(bytes, at: low) || Self.mayBeUnicodeSpace(bytes, at: Self.characterStart(bytes, before: high, from: low)) { return nil }
        if high - low >= 2, bytes[low] == 39, Self.startsFormula(bytes[low + 1]) { return nil }  // a neutralised cell: the validator decides
        return low..<high
    }

    /// Whether the character starting at `index` could be non-ASCII whitespace: every Unicode
    /// whitespace or newline character outside ASCII (U+0085, U+00A0, U+1680, U+180E,
    /// U+2000…U+200B, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF) starts with one of these
    /// lead bytes. Any other character certainly is not trimmed.
    private static func mayBeUnicodeSpace(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = bytes[index]
        return byte == 0xC2 || byte == 0xE1 || byte == 0xE2 || byte == 0xE3 || byte == 0xEF || (byte >= 0x80 && byte < 0xC0)
    }

    /// The index of the first byte of the character that ends just before `end`.
    private static func characterStart(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int, from low: Int) -> Int {
        var index = end - 1
        var steps = 0
        while index > low, steps < 3, bytes[index] & 0xC0 == 0x80 { index -= 1; steps += 1 }
        return index
    }

    /// Valid UTF-8 with no control character (C0, DEL, C1), counting characters approximately
    /// (bytes, an upper bound of the character count).
    private func isCleanUTF8(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, allowControls: Bool) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte < 0x80 {
                if !allowControls, byte < 0x20 || byte == 0x7F { return false }
                if byte == 0 { return false }
                index += 1
                continue
            }
            let length: Int
            if byte & 0xE0 == 0xC0 { length = 2; if byte < 0xC2 { return false } }
            else if byte & 0xF0 == 0xE0 { length = 3 }
            else if byte & 0xF8 == 0xF0 { length = 4; if byte > 0xF4 { return false } }
            else { return false }
            guard index + length <= range.upperBound else { return false }
            for k in 1..<length where bytes[index + k] & 0xC0 != 0x80 { return false }
            if length == 3 {
                let second = bytes[index + 1]
                if byte == 0xE0 && second < 0xA0 { return false }  // overlong
                if byte == 0xED && second >= 0xA0 { return false }  // surrogates
            }
            if length == 4 {
                let second = bytes[index + 1]
                if byte == 0xF0 && second < 0x90 { return false }
                if byte == 0xF4 && second >= 0x90 { return false }
            }
            if !allowControls, length == 2, byte == 0xC2, bytes[index + 1] < 0xA0 { return false }  // C1 controls
            index += length
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    private static let localAllowed: [Bool] = {
        var table = [Bool](repeating: false, count: 128)
        for byte in Array("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-".utf8) { table[Int(byte)] = true }
        return table
    }()

    /// Appends the lower-cased email to `out` if it passes every rule of the validator.
    private func email(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout ByteBuffer) -> Bool {
        let count = range.count
        guard count > 0, count <= 254 else { return false }
        var at = -1
        for index in range {
            let byte = bytes[index]
            guard byte < 0x80 else { return false }
            if byte == 64 { if at >= 0 { return false }; at = index }
        }
        guard at > range.lowerBound, at - range.lowerBound <= 64, at + 1 < range.upperBound else { return false }
        // Local part.
        var previousDot = false
        for index in range.lowerBound..<at {
            let byte = Self.lower(bytes[index])
            guard Self.localAllowed[Int(byte)] else { return false }
            if byte == 46 {
                if previousDot || index == range.lowerBound || index == at - 1 { return false }
                previousDot = true
            } else {
                previousDot = false
            }
        }
        // Domain: labels of [a-z0-9-], not starting or ending with '-', 1–63 long; at least two;
        // the last one letters only, at least 2.
        var labels = 0
        var labelStart = at + 1
        var lastAllLetters = true
        var index = at + 1
        while index <= range.upperBound {
            if index == range.upperBound || bytes[index] == 46 {
                let length = index - labelStart
                guard length >= 1, length <= 63 else { return false }
                guard bytes[labelStart] != 45, bytes[index - 1] != 45 else { return false }
                labels += 1
                lastAllLetters = true
                for k in labelStart..<index {
                    let byte = Self.lower(bytes[k])
                    let letter = byte >= 97 && byte <= 122
                    guard letter || (byte >= 48 && byte <= 57) || byte == 45 else { return false }
                    if !letter { lastAllLetters = false }
                }
                labelStart = index + 1
            }
            index += 1
        }
        guard labels >= 2, lastAllLetters else { return false }
        // The last label's length: from the last dot to the end.
        var lastDot = range.upperBound - 1
        while lastDot > at, bytes[lastDot] != 46 { lastDot -= 1 }
        guard range.upperBound - lastDot - 1 >= 2 else { return false }
        for index in range { out.append(Self.lower(bytes[index])) }
        return true
    }

    /// Appends the list of the codes separated by ';' or ',', lower-cased and de-duplicated, if
    /// every code passes `isKnown`; nil when one does not, or there is none and `allowEmpty` is
    /// false.
    private mutating func codes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into batch: inout StagedBatch, allowEmpty: Bool = false,
                                isKnown: (UnsafeBufferPointer<UInt8>) -> Bool) -> StagedList? {
        seenCodes.removeAll(keepingCapacity: true)
        seenEnds.removeAll(keepingCapacity: true)
        var code: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // a code of at most 32 bytes, lower-cased
        var start = range.lowerBound
        var index = range.lowerBound
        while index <= range.upperBound {
            if index == range.upperBound || bytes[index] == 59 || bytes[index] == 44 {
                var low = start, high = index
                while low < high, Self.isSpace(bytes[low]) { low += 1 }
                while high > low, Self.isSpace(bytes[high - 1]) { high -= 1 }
                if low < high {
                    let length = high - low
                    guard length <= 32 else { return nil }
                    let known = withUnsafeMutableBytes(of: &code) { raw -> Bool in
                        let scratch = raw.bindMemory(to: UInt8.self)
                        for k in 0..<length {
                            let byte = bytes[low + k]
                            guard byte < 0x80 else { return false }
                            scratch[k] = Self.lower(byte)
                        }
                        let lowered = UnsafeBufferPointer(rebasing: scratch[0..<length])
                        guard isKnown(lowered) else { return false }
                        var seenStart = 0
                        for end in seenEnds {
                            if end - seenStart == length, seenCodes[seenStart..<end].elementsEqual(lowered) { return true }
                            seenStart = end
                        }
                        seenCodes.append(contentsOf: lowered)
                        seenEnds.append(seenCodes.count)
                        return true
                    }
                    guard known else { return nil }
                }
                start = index + 1
            }
            index += 1
        }
        guard !seenEnds.isEmpty || allowEmpty else { return nil }
        let mark = batch.bytes.count
        seenCodes.withUnsafeBufferPointer { seen in
            var seenStart = 0
            for end in seenEnds {
                batch.appendElement(UnsafeBufferPointer(rebasing: seen[seenStart..<end]))
                seenStart = end
            }
        }
        return batch.list(since: mark, count: seenEnds.count)
    }

    /// Validates and appends one row; false sends the row to the exact path.
    private mutating func fastStage(_ bytes: UnsafeBufferPointer<UInt8>, ranges: [Range<Int>], line: Int, into batch: inout StagedBatch) -> Bool {
        func field(_ column: Int?) -> Range<Int>? { column.map { ranges[$0] } }
        var externalID: Range<Int>?
        if let externalField = field(externalIDColumn) {
            guard let range = trimmed(bytes, externalField) else { return false }
            if !range.isEmpty {
                guard range.count <= 200, isCleanUTF8(bytes, range, allowControls: false) else { return false }
                externalID = range
            }
        }
        var name: Range<Int>?
        var nameParts: (Range<Int>, Range<Int>)?
        if let first = field(firstNameColumn), let last = field(lastNameColumn) {
            guard let firstRange = trimmed(bytes, first), let lastRange = trimmed(bytes, last), !firstRange.isEmpty, !lastRange.isEmpty,
                  firstRange.count + lastRange.count < 300,
                  isCleanUTF8(bytes, firstRange, allowControls: false), isCleanUTF8(bytes, lastRange, allowControls: false) else { return false }
            nameParts = (firstRange, lastRange)
        } else {
            guard let range = field(fullNameColumn).flatMap({ trimmed(bytes, $0) }), !range.isEmpty, range.count <= 300,
                  isCleanUTF8(bytes, range, allowControls: false) else { return false }
            name = range
        }
        guard let emailRange = field(emailColumn).flatMap({ trimmed(bytes, $0) }) else { return false }
        guard let country = field(countryColumn).flatMap({ trimmed(bytes, $0) }), country.count == 2 else { return false }
        let c0 = bytes[country.lowerBound] & 0xDF, c1 = bytes[country.lowerBound + 1] & 0xDF
        guard c0 >= 65, c0 <= 90, c1 >= 65, c1 <= 90, countries[Int(c0 - 65) * 26 + Int(c1 - 65)] else { return false }
        var degree: Range<Int>?
        if let degreeField = field(degreeColumn) {
            guard let range = trimmed(bytes, degreeField) else { return false }
            if !range.isEmpty { degree = range }
        }
        var years: Int32?
        if let yearsField = field(yearsColumn) {
            guard let yearsRange = trimmed(bytes, yearsField) else { return false }
            if !yearsRange.isEmpty {
                var value = 0
                var digitsStart = yearsRange.lowerBound
                var negative = false
                if bytes[digitsStart] == 43 || bytes[digitsStart] == 45 { negative = bytes[digitsStart] == 45; digitsStart += 1 }
                guard digitsStart < yearsRange.upperBound, yearsRange.upperBound - digitsStart <= 6 else { return false }
                for index in digitsStart..<yearsRange.upperBound {
                    let byte = bytes[index]
                    guard byte >= 48, byte <= 57 else { return false }
                    value = value * 10 + Int(byte - 48)
                }
                if negative { value = -value }
                guard (0...70).contains(value) else { return false }
                years = Int32(value)
            }
        }

        // Write the row's texts (in any order: each is found by its span).
        var mark = batch.bytes.count
        guard email(bytes, emailRange, into: &batch.bytes) else { return false }
        let emailText = batch.text(since: mark)
        let fullName: StagedText
        if let name {
            fullName = batch.appendText(UnsafeBufferPointer(rebasing: bytes[name]))
        } else if let (first, last) = nameParts {
            mark = batch.bytes.count
            batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[first]))
            batch.bytes.append(32)
            batch.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last]))
            fullName = batch.text(since: mark)
        } else {
            return false
        }
        mark = batch.bytes.count
        batch.bytes.append(c0, c1)
        let countryText = batch.text(since: mark)
        let languageTable = languages
        let isLanguage: (UnsafeBufferPointer<UInt8>) -> Bool = { code in
            code.count == 2 && code.allSatisfy({ $0 >= 97 && $0 <= 122 })
                && languageTable[Int(code[code.startIndex] - 97) * 26 + Int(code[code.startIndex + 1] - 97)]
        }
        let languageList: StagedList
        if let languagesRange = field(languagesColumn) {
            guard let list = codes(bytes, languagesRange, into: &batch, allowEmpty: true, isKnown: isLanguage) else { return false }
            languageList = list
        } else {
            languageList = batch.list(since: batch.bytes.count, count: 0)
        }
        let known = domains
        guard let domainsRange = field(domainsColumn),
              let domainList = codes(bytes, domainsRange, into: &batch, isKnown: { code in known.contains { $0.elementsEqual(code) } }) else { return false }
        var degreeText: StagedText?
        if let degree {
            mark = batch.bytes.count
            for index in degree { batch.bytes.append(Self.lower(bytes[index])) }
            let text = batch.text(since: mark)
            guard degrees.contains(where: { $0.elementsEqual(batch[text]) }) else { return false }
            degreeText = text
        }
        var phoneText: StagedText?
        if let phoneField = field(phoneColumn) {
            guard let range = trimmed(bytes, phoneField) else { return false }
            if !range.isEmpty {
                mark = batch.bytes.count
                guard phone(bytes, range, into: &batch.bytes) else { return false }
                phoneText = batch.text(since: mark)
            }
        }
        let source: StagedText
        if let sourceField = field(sourceColumn), let sourceRange = trimmed(bytes, sourceField), !sourceRange.isEmpty {
            guard isCleanUTF8(bytes, sourceRange, allowControls: false) else { return false }
            source = batch.appendText(UnsafeBufferPointer(rebasing: bytes[sourceRange]))
        } else if field(sourceColumn).map({ trimmed(bytes, $0) == nil }) == true {
            return false
        } else {
            source = defaultSource.withUnsafeBufferPointer { batch.appendText($0) }
        }
        let externalIDText: StagedText
        if let externalID {
            externalIDText = batch.appendText(UnsafeBufferPointer(rebasing: bytes[externalID]))
        } else {
            // ApplicantValidator.defaultExternalID: the email, ':', the domains sorted, joined by '+'.
            var elements = Array(batch.elements(of: domainList))
            elements.sort { $0.lexicographicallyPrecedes($1) }
            mark = batch.bytes.count
            let email = batch[emailText]
            var scratch = ByteBuffer(capacity: email.count + 64)
            scratch.append(contentsOf: email)
            scratch.append(58)
            for (index, element) in elements.enumerated() {
                if index > 0 { scratch.append(43) }
                scratch.append(contentsOf: element)
            }
            externalIDText = batch.appendText(scratch.bytes)
        }
        var appliedAt: Int64?
        if let applied = field(appliedAtColumn) {
            guard let appliedRange = trimmed(bytes, applied) else { return false }
            if !appliedRange.isEmpty {
                dateScratch.removeAll()
                guard ISO8601Text.normalize(UnsafeBufferPointer(rebasing: bytes[appliedRange]), into: &dateScratch),
                      let micros = ISO8601Text.postgresMicroseconds(ofNormalized: dateScratch.bytes) else { return false }
                appliedAt = micros
            }
        }
        var resumeText: StagedText?
        if let resume = field(resumeColumn) {
            var low = resume.lowerBound, high = resume.upperBound
            while low < high, Self.isSpace(bytes[low]) { low += 1 }
            while high > low, Self.isSpace(bytes[high - 1]) { high -= 1 }
            if low < high {
                if Self.mayBeUnicodeSpace(bytes, at: low) || Self.mayBeUnicodeSpace(bytes, at: Self.characterStart(bytes, before: high, from: low)) { return false }
                if bytes[resume.lowerBound] == 39 { return false }  // perhaps neutralised: the validator decides
                guard isCleanUTF8(bytes, resume, allowControls: true) else { return false }
                resumeText = batch.appendText(UnsafeBufferPointer(rebasing: bytes[resume]))
            }
        }
        batch.append(StagedApplicant(
            line: line, email: emailText, fullName: fullName, country: countryText, languages: languageList, domains: domainList,
            highestDegree: degreeText, yearsExperience: years, phone: phoneText, source: source, externalID: externalIDText, appliedAt: appliedAt,
            resumeText: resumeText))
        return true
    }

    /// Appends a phone number as ``ApplicantValidator/normalizedPhone(_:)`` stores it, if it is one.
    private func phone(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout ByteBuffer) -> Bool {
        let mark = out.count
        var digits = 0
        var index = range.lowerBound
        if bytes[index] == 43 {
            out.append(43)
            index += 1
        } else if range.count >= 2, bytes[index] == 48, bytes[index + 1] == 48 {
            out.append(43)
            index += 2
        }
        let international = out.count > mark
        while index < range.upperBound {
            let byte = bytes[index]
            index += 1
            if byte >= 48, byte <= 57 {
                // Digits that begin with 00 after a bracket or a space: the validator decides.
                if !international, digits == 1, byte == 48, out.bytes[out.count - 1] == 48 {
                    out.truncate(to: mark)
                    return false
                }
                out.append(byte)
                digits += 1
            } else if byte != 32, byte != 46, byte != 45, byte != 40, byte != 41, byte != 47 {
                out.truncate(to: mark)
                return false
            }
        }
        guard (6...15).contains(digits) else {
            out.truncate(to: mark)
            return false
        }
        return true
    }
}
