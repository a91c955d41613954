@testable import IntakeEngine
import Testing

/// What the database has reaches the router from two COPYs read at once, so people and
/// applications arrive interleaved in any order: the decisions must not depend on it.
@Suite("Direct router: loading what the database has")
struct DirectRouterLoadingTests {
    struct KnownExpert { var id: Int64, email: String, languages: [String] }
    struct KnownApplication { var source: String, externalID: String, expert: Int64, openDomains: [String] }
    struct Row { var email: String, source: String, externalID: String, domains: [String], languages: [String] = ["en"] }

    let experts = [
        KnownExpert(id: 10, email: "alice@example.org", languages: ["en"]),
        KnownExpert(id: 11, email: "bob@example.org", languages: ["fr", "en"]),
        KnownExpert(id: 12, email: "dana@example.org", languages: []),
    ]
    let applications = [
        KnownApplication(source: "ats", externalID: "A1", expert: 10, openDomains: ["medicine"]),
        KnownApplication(source: "ats", externalID: "B1", expert: 11, openDomains: []),  // closed
        KnownApplication(source: "ats", externalID: "D1", expert: 12, openDomains: ["law", "medicine"]),
    ]
    let rows = [
        Row(email: "alice@example.org", source: "ats", externalID: "A1", domains: ["medicine"]),  // already imported
        Row(email: "bob@example.org", source: "ats", externalID: "A1", domains: ["medicine"]),  // Alice's key: conflict
        Row(email: "alice@example.org", source: "ats", externalID: "A2", domains: ["medicine"]),  // open application exists
        Row(email: "alice@example.org", source: "ats", externalID: "A3", domains: ["law"], languages: ["de"]),  // new application, a language
        Row(email: "carol@example.org", source: "ats", externalID: "B1", domains: ["law"]),  // Bob's key, a new person: conflict
        Row(email: "bob@example.org", source: "ats", externalID: "B2", domains: ["medicine"]),  // his only application is closed
        Row(email: "dana@example.org", source: "ats", externalID: "D2", domains: ["law"]),  // open in both of them
        Row(email: "erin@example.org", source: "ats", externalID: "E1", domains: ["law"]),  // new person
    ]

    enum Order: CaseIterable { case peopleFirst, applicationsFirst, interleaved }

    /// Loads in the given order, routes the rows, and returns what was decided.
    func decide(loading order: Order) throws -> (DirectRouter.Counts, [DirectRouter.Note], [DirectRouter.Note], [(id: Int64, languages: [String])]) {
        let router = try DirectRouter(dryRunExpecting: 64, domains: ["law", "medicine"], knownExperts: experts.count, knownApplications: applications.count)
        func addExpert(_ expert: KnownExpert) throws {
            try withBytes(expert.email) { email in
                try withLists(expert.languages) { try router.addKnownExpert(id: expert.id, email: email, languages: $0) }
            }
        }
        func addApplication(_ application: KnownApplication) throws {
            let added = try withBytes(application.source) { source in
                try withBytes(application.externalID) { external in
                    try withLists(application.openDomains) {
                        router.addKnownApplication(source: source, externalID: external, expertID: application.expert, openDomains: $0)
                    }
                }
            }
            #expect(added)
        }
        switch order {
        case .peopleFirst:
            for expert in experts { try addExpert(expert) }
            for application in applications { try addApplication(application) }
        case .applicationsFirst:
            for application in applications.reversed() { try addApplication(application) }
            for expert in experts.reversed() { try addExpert(expert) }
        case .interleaved:
            for (expert, application) in zip(experts, applications.reversed()) {
                try addApplication(application)
                try addExpert(expert)
            }
        }
        #expect(router.finishLoading() == nil)
        var batch = StagedBatch(capacity: 1024)
        for (index, row) in rows.enumerated() {
            batch.append(StagedApplicant(
                line: index + 2, email: batch.appendText(row.email), fullName: batch.appendText("Someone"), country: batch.appendText("FR"),
                languages: batch.appendList(row.languages), domains: batch.appendList(row.domains), highestDegree: nil, yearsExperience: nil,
                phone: nil, source: batch.appendText(row.source), externalID: batch.appendText(row.externalID), appliedAt: nil, resumeText: nil))
        }
        try router.write(batch)
        return (router.counts, router.notes, router.conflicts, router.grownLanguages())
    }

    @Test("people and applications loaded in any order give the same decisions, the expected ones", arguments: Order.allCases)
    func orderDoesNotMatter(order: Order) throws {
        let (counts, notes, conflicts, grown) = try decide(loading: order)
        var expected = DirectRouter.Counts()
        expected.newExperts = 1
        expected.applicationsForKnownExperts = 2
        expected.alreadyImported = 1
        expected.openApplicationExists = 2
        expected.conflicts = 2
        #expect(counts == expected)
        #expect(notes == [
            DirectRouter.Note(line: 2, kind: .alreadyImported(expertID: 10), domains: []),
            DirectRouter.Note(line: 4, kind: .openApplication(expertID: 10), domains: ["medicine"]),
            DirectRouter.Note(line: 8, kind: .openApplication(expertID: 12), domains: ["law"]),
        ])
        #expect(conflicts == [
            DirectRouter.Note(line: 3, kind: .conflictInDatabase(expertID: 10), domains: []),
            DirectRouter.Note(line: 6, kind: .conflictInDatabase(expertID: 11), domains: []),
        ])
        #expect(grown.map(\.id) == [10])
        #expect(grown.first?.languages == ["de", "en"])
    }

    @Test("an expert id the key table cannot hold (2³¹ or more) is refused, so the import merges instead")
    func largeExpertID() throws {
        let router = try DirectRouter(dryRunExpecting: 64, domains: ["law"])
        let added = try withBytes("ats") { source in
            try withBytes("X1") { external in router.addKnownApplication(source: source, externalID: external, expertID: 1 << 31, openDomains: []) }
        }
        #expect(!added)
    }

    @Test("an open application of an expert the people do not include is reported when loading ends")
    func openApplicationOfUnknownExpert() throws {
        let router = try DirectRouter(dryRunExpecting: 64, domains: ["law"])
        try withBytes("alice@example.org") { try router.addKnownExpert(id: 10, email: $0, languages: []) }
        try withBytes("ats") { source in
            try withBytes("X1") { external in
                try withLists(["law"]) { #expect(router.addKnownApplication(source: source, externalID: external, expertID: 99, openDomains: $0)) }
            }
        }
        #expect(router.finishLoading() == 99)
    }
}

private func withBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer(body)
}

/// The elements of a list as buffers valid during `body`.
private func withLists<T>(_ elements: [String], _ body: ([UnsafeBufferPointer<UInt8>]) throws -> T) throws -> T {
    let storage = elements.map { Array($0.utf8) }
    var pointers: [UnsafeMutableBufferPointer<UInt8>] = []
    defer { for pointer in pointers { pointer.deallocate() } }
    for bytes in storage {
        let pointer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = pointer.initialize(from: bytes)
        pointers.append(pointer)
    }
    return try body(zip(pointers, storage).map { UnsafeBufferPointer(rebasing: $0.0[0 ..< $0.1.count]) })
}
