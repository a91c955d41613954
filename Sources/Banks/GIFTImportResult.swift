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
