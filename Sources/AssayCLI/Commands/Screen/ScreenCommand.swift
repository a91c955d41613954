import ArgumentParser
import AssayCore
import Foundation
import Postgres

/// `assay screen …`: invite candidates, let them take screens, and inspect the results.
struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Invite a candidate to a skill screen, take it, and inspect screens.",
        subcommands: [Invite.self, Take.self, List.self, Show.self, VoidScreen.self, Extend.self]
    )

    /// Parses `7d`, `36h`, `90m` or a plain number of days.
    static func days(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let unit = trimmed.last.flatMap { "dhm".contains($0) ? $0 : nil }
        guard let value = Double(unit == nil ? trimmed : String(trimmed.dropLast())), value > 0 else {
            throw AssayError(.badInput, "--expires '\(text)' is not a duration such as 7d, 36h or 90m")
        }
        switch unit {
        case "h": return value / 24
        case "m": return value / 1440
        default: return value
        }
    }

    struct Invite: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a screen for an expert and print its single-use invite code.")
        @Argument(help: "The expert's email or id.") var expert: String
        @Option(help: "The bank's slug.") var bank: String
        @Option(help: "How long the code stays valid: 7d, 36h, 90m.") var expires: String = "7d"
        @Option(help: "Who invites, for the audit trail (default: the OS user).") var actor: String?
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let invitation = try Invitations(connection: try database.migratedConnection())
                .invite(expert: expert, bank: bank, expiresInDays: try ScreenCommand.days(expires), actor: actor ?? ActorName.current)
            switch format {
            case .json: try printJSON(invitation)
            case .text:
                print("screen \(invitation.screenID): \(invitation.questions) questions from \(invitation.bankSlug) v\(invitation.bankVersion)")
                print("invite code (give it to the candidate; it is shown only now): \(invitation.code)")
                print("valid until \(ISO8601DateFormatter().string(from: invitation.expiresAt)); the candidate runs: assay screen take \(invitation.code)")
            }
        }
    }

    struct Take: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a screen (for candidates): one question at a time, answers saved as you go.",
            discussion: "Run it again with the same code to resume after an interruption, while time remains.")
        @Argument(help: "The invite code.") var code: String
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let service = CandidateSession(connection: try database.migratedConnection())
            let outcome = try CandidatePrompt(service: service, code: code).run()
            if outcome == .inputEnded { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List screens, newest first.")
        @Option(help: "Only this status: invited, in_progress, awaiting_review, scored, expired, voided.") var status: String?
        @Option(help: "Only this bank.") var bank: String?
        @Option(help: "At most this many.") var limit: Int = 100
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let wanted = try status.map { text in
                guard let status = ScreenStatus(rawValue: text) else {
                    throw ValidationError("--status must be one of \(ScreenStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'")
                }
                return status
            }
            let screens = try StaffScreens(connection: try database.migratedConnection()).list(status: wanted, bank: bank, limit: limit)
            if format == .json { try printJSON(screens); return }
            if screens.isEmpty { print("no screens match"); return }
            for s in screens {
                let score = s.scorePercent.map { String(format: "%.0f%% %@", $0, s.passed == true ? "pass" : "fail") } ?? "-"
                print("\(s.id)\t\(s.status)\t\(s.bankSlug)\t\(s.email)\t\(score)\(s.flags == "[]" ? "" : "\tflags: \(s.flags)")")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Staff view of a screen: each item as shown, the answer, time, points, flags.")
        @Argument(help: "The screen's id.") var id: Int
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let view = try StaffScreens(connection: try database.migratedConnection()).show(screenID: id)
            if format == .json { try printJSON(view); return }
            let s = view.summary
            print("screen \(s.id): \(s.email) on \(s.bankSlug) — \(s.status)\(s.scorePercent.map { String(format: ", %.1f%%", $0) } ?? "")\(s.passed.map { $0 ? ", passed" : ", failed" } ?? "")")
            if let by = view.submittedBy { print("submitted by \(by)") }
            if view.adaptive {
                print("adaptive: theta \(view.theta.map { String(format: "%.2f", $0) } ?? "-"), SE \(view.thetaSE.map { String(format: "%.2f", $0) } ?? "-"), stopped: \(view.stopReason ?? "not yet")")
            }
            if let reason = view.voidReason { print("voided: \(reason)") }
            print("flags: \(s.flags)")
            for item in view.items {
                print("\n#\(item.position) \(item.itemKey) (\(item.type)) — \(item.points.map { String(format: "%g", $0) } ?? "?")/\(String(format: "%g", item.maxPoints))\(item.secondsTaken.map { String(format: ", %.0f s", $0) } ?? "")\(item.needsReview ? ", needs review" : "")")
                print("  " + item.prompt.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "\n  "))
                for (index, choice) in item.shownChoices.enumerated() { print("    \(String(UnicodeScalar(UInt8(65 + index)))) \(choice)") }
                print("  answer: \(item.answerTyped ?? "(none)")")
                if let theta = item.theta { print(String(format: "  after this answer: theta %.2f, SE %.2f", theta, item.thetaSE ?? .nan)) }
                if let note = item.reviewNote { print("  review: \(note)") }
            }
        }
    }

    struct VoidScreen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "void", abstract: "Cancel a screen; its result no longer counts.")
        @Argument(help: "The screen's id.") var id: Int
        @Option(help: "Why (kept in the audit trail).") var reason: String
        @Option(help: "Who voids, for the audit trail (default: the OS user).") var actor: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try StaffScreens(connection: try database.migratedConnection()).void(screenID: id, reason: reason, actor: actor ?? ActorName.current)
            print("screen \(id) voided")
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a screen more time.")
        @Argument(help: "The screen's id.") var id: Int
        @Option(help: "Minutes to add.") var minutes: Int
        @Option(help: "Who extends, for the audit trail (default: the OS user).") var actor: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let deadline = try StaffScreens(connection: try database.migratedConnection()).extend(screenID: id, minutes: minutes, actor: actor ?? ActorName.current)
            print("screen \(id): \(minutes) more minutes\(deadline.map { ", new deadline \(ISO8601DateFormatter().string(from: $0))" } ?? " (before it starts)")")
        }
    }
}

/// `assay review …`: essays graded by a reviewer.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Grade essay answers against their rubric.",
        subcommands: [List.self, Grade.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Essays waiting for a grade, with their rubric.")
        @Option(help: "Output format: text or json.") var format: OutputFormat = .text
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let pending = try Reviews(connection: try database.migratedConnection()).pending()
            if format == .json { try printJSON(pending); return }
            if pending.isEmpty { print("no essays are waiting"); return }
            for p in pending {
                print("screen \(p.screenID) item \(p.position) (\(p.bankSlug)/\(p.itemKey)), up to \(String(format: "%g", p.maxPoints)) points")
                print("  prompt: \(p.prompt.trimmingCharacters(in: .whitespacesAndNewlines))")
                print("  rubric: \(p.rubric.trimmingCharacters(in: .whitespacesAndNewlines))")
                print("  answer: \(p.answer)")
                print("  grade with: assay review grade \(p.screenID) \(p.position) --points P --note \"…\"\n")
            }
        }
    }

    struct Grade: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Grade one essay; the screen's result is final once all its essays are graded.")
        @Argument(help: "The screen's id.") var screen: Int
        @Argument(help: "The item: its position in the screen, or its id in the bank.") var item: String
        @Option(help: "Points awarded, from 0 to the item's points.") var points: Double
        @Option(help: "The reviewer's note.") var note: String?
        @Option(help: "Who grades, for the audit trail (default: the OS user).") var actor: String?
        @OptionGroup var database: DatabaseOptions

        func run() throws {
            try Reviews(connection: try database.migratedConnection()).grade(screenID: screen, item: item, points: points, note: note, actor: actor ?? ActorName.current)
            print("graded screen \(screen) item \(item): \(String(format: "%g", points)) points")
        }
    }
}
