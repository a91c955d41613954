internal import Foundation

/// What a GIFT import produced: the items that convert, and located diagnostics for everything
/// else.
public struct GIFTImportResult: Sendable, Hashable {
    /// The converted items, in file order, each valid under `docs/bank-format.md`.
    public var items: [Item]
    /// Errors (a question or construct that was not converted) and warnings (converted with a
    /// change worth a look), each at the 1-based line and column of the question or construct.
    public var diagnostics: [BankDiagnostic]

    /// Creates a result.
    public init(items: [Item], diagnostics: [BankDiagnostic]) {
        self.items = items
        self.diagnostics = diagnostics
    }
}

extension GIFTImportResult {
    /// A bank of the converted items with the settings `assay bank import-gift` gives a new bank
    /// (20 items a screen or all if fewer, 40 minutes, options shuffled, 90 days between retakes,
    /// pass at 70 %), after checking the slugs.
    ///
    /// - Parameters:
    ///   - slug: the bank's slug (`--bank`), `^[a-z][a-z0-9-]{1,39}$`.
    ///   - domain: the domain's slug (`--domain`), the same pattern.
    ///   - title: the title; the slug when nil.
    ///   - language: the ISO 639-1 code of the items' language.
    /// - Returns: the bank, which lints clean when the domain exists.
    /// - Throws: ``BankError`` with ``BankError/Code/invalidSlug`` naming the option, with
    ///   ``BankError/Code/invalidLanguage``, or with ``BankError/Code/noItems`` when nothing was
    ///   converted.
    public func bank(slug: String, domain: String, title: String? = nil, language: String = "en") throws -> Bank {
        try Self.checkNames(slug: slug, domain: domain, language: language)
        guard !items.isEmpty else { throw BankError(.noItems, "no question could be converted, so there is no bank to write") }
        return Self.newBank(slug: slug, domain: domain, title: title, language: language, items: items, itemCount: items.count)
    }

    /// Checks the names a new bank is given.
    ///
    /// - Throws: ``BankError`` with ``BankError/Code/invalidSlug`` naming the option, or with
    ///   ``BankError/Code/invalidLanguage``.
    static func checkNames(slug: String, domain: String, language: String) throws {
        for (option, value) in [("--bank", slug), ("--domain", domain)] where !NamePattern.slug.matches(value) {
            throw BankError(.invalidSlug, "\(option) '\(value)' is not a valid slug: use 2 to 40 lower-case letters, digits and '-', starting with a letter (e.g. cardiology-core)")
        }
        guard NamePattern.language.matches(language) else {
            throw BankError(.invalidLanguage, "'\(language)' is not a two-letter ISO 639-1 language code such as en or fr")
        }
    }

    /// The new bank's fields, for `itemCount` converted items (of which `items` may hold none
    /// when they are written separately).
    static func newBank(slug: String, domain: String, title: String?, language: String, items: [Item], itemCount: Int) -> Bank {
        Bank(slug: slug, title: title ?? slug, domain: domain, language: language,
             settings: BankSettings(itemsPerScreen: min(20, itemCount), timeLimitMinutes: 40, shuffleOptions: true,
                                    retakeCooldownDays: 90, showScore: false, passRule: PassRule(minPercent: 70)),
             items: items)
    }
}

extension GIFTImporter {
    /// Converts GIFT source straight into the text of a new bank file, question by question: the
    /// same text as ``BankWriter/yaml(_:)`` of ``GIFTImportResult/bank(slug:domain:title:language:)``
    /// after ``convert(_:file:bankSlug:)``, but holding only the YAML written so far and the
    /// question being converted, never every item, so that a file of any size converts in time
    /// and memory linear in it.
    ///
    /// - Parameters:
    ///   - text: the GIFT source.
    ///   - file: the path named in diagnostics.
    ///   - slug: the new bank's slug (`--bank`).
    ///   - domain: its domain's slug (`--domain`).
    ///   - title: the title; the slug when nil.
    ///   - language: the ISO 639-1 code of the items' language.
    ///   - diagnostic: called with each diagnostic, in the order found.
    /// - Returns: the bank file's text in two parts to be written one after the other (its head
    ///   and its items, kept apart so that they are not copied into one string), and the number
    ///   of items.
    /// - Throws: ``BankError`` for an invalid slug or language (before anything is converted) or
    ///   when no question could be converted; what `diagnostic` throws.
    public static func bankFile(_ text: String, file: String, slug: String, domain: String, title: String? = nil, language: String = "en",
                                diagnostic: (BankDiagnostic) throws -> Void) throws -> (head: String, items: String, count: Int) {
        try GIFTImportResult.checkNames(slug: slug, domain: domain, language: language)
        // Each item is written as YAML text as soon as it is converted (what BankWriter.yamlItems writes).
        var body = BankItemYAML()
        var count = 0
        try convert(text, file: file, bankSlug: slug, item: { item in
            body.append(item)
            count += 1
        }, diagnostic: diagnostic)
        guard count > 0 else { throw BankError(.noItems, "no question could be converted, so there is no bank to write") }
        let head = try BankWriter.yamlHead(GIFTImportResult.newBank(slug: slug, domain: domain, title: title, language: language, items: [], itemCount: count))
        return (head, body.text, count)
    }
}
