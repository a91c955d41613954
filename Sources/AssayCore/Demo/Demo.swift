import Banks
import Foundation
public import Postgres
import Psychometrics

/// The whole pipeline on sample data: sync the banks, import applicants, invite them, let
/// simulated candidates of varying skill take their screens through ``CandidateScreenService``
/// (the interface a real candidate's prompt uses; no row is written directly), grade essays,
/// promote, and export a roster.
///
/// The simulated candidates know the subject: they read the bank files (not the database) to
/// decide what a candidate of their skill would answer.
public struct Demo {
    /// The connection used (a database the demo owns).
    public let connection: Connection
    /// The banks folder.
    public var banksPath: String
    /// The applicants file.
    public var applicationsPath: String
    /// Where the roster goes.
    public var rosterPath: String
    /// The seed of the simulated candidates' skill and answers.
    public var seed: UInt64
    /// Progress lines.
    public var log: (String) -> Void

    /// Creates a demo.
    public init(connection: Connection, banksPath: String, applicationsPath: String, rosterPath: String, seed: UInt64 = 42, log: @escaping (String) -> Void) {
        self.connection = connection
        self.banksPath = banksPath
        self.applicationsPath = applicationsPath
        self.rosterPath = rosterPath
        self.seed = seed
        self.log = log
    }

    /// Drops and recreates the demo's own database in the embedded cluster, migrated, and
    /// returns a connection to it. The main database is never touched.
    ///
    /// - Throws: ``PostgresError``; ``AssayError`` when the migrations cannot be found.
    public static func resetDatabase(in cluster: EmbeddedCluster, name: String = "assay_demo") throws -> Connection {
        try cluster.start()
        let admin = try Connection(cluster.uri(database: "postgres"))
        let quoted = try admin.escapeIdentifier(name)
        try admin.execute("DROP DATABASE IF EXISTS \(quoted) WITH (FORCE)")
        try admin.execute("CREATE DATABASE \(quoted)")
        let connection = try Connection(cluster.uri(database: name))
        try Migrator.shipped().migrate(connection)
        return connection
    }

    /// One line of the funnel.
    public struct FunnelRow: Sendable, Codable {
        /// The domain.
        public var domain: String
        /// Applications claiming it.
        public var applied: Int
        /// Screens issued on its banks.
        public var invited: Int
        /// Screens scored.
        public var screened: Int
        /// Screens passed.
        public var passed: Int
        /// Active pool members.
        public var pooled: Int
    }

    /// What the demo did.
    public struct Report: Sendable {
        /// The sample applicants' import.
        public var intake: Intake.Summary
        /// The funnel, by domain.
        public var funnel: [FunnelRow]
        /// Rows of the exported roster.
        public var rosterRows: Int
        /// The simulated client's work outcomes, imported by pseudonym (nil when the pool is empty).
        public var outcomes: Outcomes.ImportSummary?
        /// The validity report on them (nil when the pool is empty).
        public var validity: ValidityReport?
    }

    /// Runs the pipeline.
    ///
    /// - Throws: ``AssayError`` or ``PostgresError`` from any step.
    public func run() throws -> Report {
        let collection = BankLinter.lint(path: banksPath)
        let sync = try Catalog(connection: connection).sync(collection, actor: "demo")
        log("banks: \(sync.added.count) added, \(sync.changed.count) changed, \(sync.unchanged.count) unchanged")
        let intake = try Intake(connection: connection).importFile(.init(path: applicationsPath, format: .csv, source: "demo", actor: "demo"))
        log("intake: \(intake.rowsRead) rows read, \(intake.newExperts) new experts, \(intake.applicationsForKnownExperts) applications of known people, \(intake.duplicates) duplicates, \(intake.rowsRejected) rejected")
        for rejection in intake.firstRejections { log("  rejected line \(rejection.line): \(rejection.field): \(rejection.reason)") }

        // The simulated candidates' knowledge: each bank's items by prompt.
        var knowledge: [String: Item] = [:]
        for (_, bank) in collection.banks { for item in bank.items { knowledge[item.prompt] = item } }
        let invite = Invitations(connection: connection)
        let session = CandidateSession(connection: connection)
        let reviews = Reviews(connection: connection)
        let invitations = try connection.query("""
            SELECT DISTINCT e.id, e.email, e.years_experience, b.slug, b.domain
            FROM experts e JOIN applications a ON a.expert_id = e.id
            CROSS JOIN LATERAL unnest(a.domains) AS d JOIN banks b ON b.domain = d AND b.is_current
            ORDER BY e.id, b.slug
            """)
        var rng = SplitMix64(seed: seed)
        var taken = 0
        var skills: [MemberKey: Double] = [:]
        for row in invitations {
            let email: String = try row.decode("email")
            let years = try row.decode("years_experience", as: Int?.self) ?? 0
            let bank: String = try row.decode("slug")
            let invitation = try invite.invite(expert: email, bank: bank, expiresInDays: 7, actor: "demo", drawSeed: rng.next())
            // Skill grows with experience, with individual spread.
            let skill = min(0.98, max(0.3, 0.55 + Double(years) * 0.012 + (rng.nextUnit() - 0.5) * 0.5))
            try simulateCandidate(code: invitation.code, skill: skill, knowledge: knowledge, service: session, rng: &rng)
            skills[MemberKey(expertID: try row.decode("id"), domain: try row.decode("domain"))] = skill
            taken += 1
        }
        log("screens: \(taken) taken by simulated candidates")
        for review in try reviews.pending() {
            let points = (review.maxPoints * min(1, max(0, 0.4 + rng.nextUnit() * 0.6))).rounded()
            try reviews.grade(screenID: review.screenID, item: String(review.position), points: points, note: "demo reviewer", actor: "demo-reviewer")
        }
        // Simulated candidates answer at once, so every screen carries the fast_answers flag; the
        // demo promotes them anyway (as `assay pool promote --include-flagged` would) and the flags
        // show in the evidence chain of `assay experts show`.
        let promotion = try Pool(connection: connection).promote(domain: nil, dryRun: false, includeFlagged: true, actor: "demo")
        log("pool: \(promotion.changes.count) promotions (simulated candidates answer instantly, so their screens are flagged fast_answers; promoted with --include-flagged)")
        let funnel = try connection.query("""
            SELECT d.slug AS domain,
              (SELECT count(*)::int FROM applications a WHERE d.slug = ANY (a.domains)) AS applied,
              (SELECT count(*)::int FROM screens s JOIN banks b ON b.id = s.bank_id WHERE b.domain = d.slug) AS invited,
              (SELECT count(*)::int FROM screens s JOIN banks b ON b.id = s.bank_id WHERE b.domain = d.slug AND s.status = $1) AS screened,
              (SELECT count(*)::int FROM screens s JOIN banks b ON b.id = s.bank_id WHERE b.domain = d.slug AND s.status = $1 AND s.passed) AS passed,
              (SELECT count(*)::int FROM pool_roster r WHERE r.domain = d.slug AND r.status = $2) AS pooled
            FROM domains d ORDER BY d.slug
            """, [ScreenStatus.scored.rawValue, PoolMemberStatus.active.rawValue]).map {
            FunnelRow(domain: try $0.decode("domain"), applied: try $0.decode("applied"), invited: try $0.decode("invited"),
                      screened: try $0.decode("screened"), passed: try $0.decode("passed"), pooled: try $0.decode("pooled"))
        }
        let rows = try Roster(connection: connection).export(format: .csv, filter: .init(), pseudonymKey: nil, toFile: rosterPath)
        let client = try simulateClient(skills: skills, rng: &rng)
        return Report(intake: intake, funnel: funnel, rosterRows: rows, outcomes: client?.outcomes, validity: client?.validity)
    }

    /// One candidate takes a screen through the candidate interface.
    private func simulateCandidate(code: String, skill: Double, knowledge: [String: Item], service: any CandidateScreenService, rng: inout SplitMix64) throws {
        let overview = try service.begin(code: code)
        for position in 1...overview.questionCount {
            let question = try service.question(code: code, position: position)
            guard let item = knowledge[question.prompt] else { continue }
            let knows = rng.nextUnit() < skill
            guard let answer = Self.answer(question, item: item, knows: knows, rng: &rng) else { continue }
            // A number is typed as a person would write it (the service reads the number from it).
            let typed = if case .number(let value) = answer { String(value) } else { "(simulated)" }
            _ = try service.answer(code: code, position: position, answer: answer, typed: typed)
        }
        _ = try service.submit(code: code)
    }

    /// What a candidate who knows (or does not know) the item answers, in the terms shown.
    static func answer(_ question: CandidateQuestion, item: Item, knows: Bool, rng: inout SplitMix64) -> CandidateAnswer? {
        func pick(_ count: Int) -> Int { Int(rng.next() % UInt64(max(count, 1))) }
        switch item.body {
        case .singleChoice(let options):
            let right = question.choices.firstIndex(of: options.first(where: \.correct)?.text ?? "") ?? 0
            if knows { return .choice(right) }
            let wrong = question.choices.indices.filter { $0 != right }
            return .choice(wrong.isEmpty ? right : wrong[pick(wrong.count)])
        case .multipleResponse(let options, _):
            let right = Set(options.filter(\.correct).compactMap { question.choices.firstIndex(of: $0.text) })
            if knows { return .choices(right) }
            return .choices([pick(question.choices.count)])
        case .trueFalse(let value):
            return .boolean(knows ? value : !value)
        case .numeric(let key):
            var value = key.answer ?? 0
            if case .range(let low, let high) = key.tolerance { value = (low + high) / 2 }
            return .number(knows ? value : value * 1.7 + 1)
        case .shortText(let accept, _, _):
            return .text(knows ? (accept.first ?? "(not sure)") : "(not sure)")
        case .ordering(let steps, _):
            let right = steps.compactMap { question.choices.firstIndex(of: $0) }
            if knows, right.count == steps.count { return .order(right) }
            return .order(Array(question.choices.indices.reversed()))
        case .essay:
            return .text("A structured answer written by a simulated candidate.")
        case .matching(let pairs, _, _):
            let right = pairs.compactMap { question.choices.firstIndex(of: $0.answer) }
            if knows, right.count == pairs.count { return .matches(right) }
            return .matches(pairs.map { _ in pick(question.choices.count) })
        }
    }
}
