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
        for (option, value) in [("--bank", slug), ("--domain", domain)] where value.range(of: BankReader.slugPattern, options: .regularExpression) == nil {
            throw BankError(.invalidSlug, "\(option) '\(value)' is not a valid slug: use 2 to 40 lower-case letters, digits and '-', starting with a letter (e.g. cardiology-core)")
        }
        guard language.range(of: "^[a-z]{2}$", options: .regularExpression) != nil else {
            throw BankError(.invalidLanguage, "'\(language)' is not a two-letter ISO 639-1 language code such as en or fr")
        }
        guard !items.isEmpty else { throw BankError(.noItems, "no question could be converted, so there is no bank to write") }
        return Bank(slug: slug, title: title ?? slug, domain: domain, language: language,
                    settings: BankSettings(itemsPerScreen: min(20, items.count), timeLimitMinutes: 40, shuffleOptions: true,
                                           retakeCooldownDays: 90, showScore: false, passRule: PassRule(minPercent: 70)),
                    items: items)
    }
}
