import Psychometrics
import Testing

@Suite("Short-text normalization and near misses")
struct TextNearMissTests {
    @Test("normalization strips trailing punctuation, folds dashes, quotes, the micro sign and compatibility forms",
          arguments: [
            ("excited utterance.", "excited utterance"),
            ("Excited utterance ?", "excited utterance"),
            ("803(2).", "803(2)"),
            ("etc...", "etc"),
            ("wait…", "wait"),
            ("5!", "5!"),
            ("A10:2021 – Server-Side Request Forgery (SSRF)", "a10:2021 - server-side request forgery (ssrf)"),
            ("Fermi—Dirac", "fermi-dirac"),
            ("x − y", "x - y"),
            ("non‑breaking", "non-breaking"),
            ("Klein’s bottle", "klein's bottle"),
            ("“quoted”", "\"quoted\""),
            ("« guillemets »", "\" guillemets \""),
            ("10 µm", "10 μm"),
            ("ＦＵＬＬ　ｗｉｄｔｈ", "full width"),
            ("ﬁne", "fine"),
          ])
    func normalization(_ text: String, _ expected: String) {
        #expect(TextNormalizer.normalize(text) == expected)
        #expect(TextNormalizer.normalize(expected) == expected, "idempotent")
    }

    @Test("an answer within the allowed edits of an accepted answer is a near miss, with its distance")
    func edits() throws {
        let near = try #require(TextNearMiss.find("exited utterance", accepted: ["excited utterance", "803(2)"]))
        #expect(near.accepted == "excited utterance" && near.kind == .edits && near.distance == 1)
        #expect(TextNearMiss.find("excited utternace", accepted: ["excited utterance"])?.distance == 1, "a swap of two neighbours is one edit")
        #expect(TextNearMiss.find("excted utternce", accepted: ["excited utterance"])?.distance == 2)
        #expect(TextNearMiss.find("exctd utternce", accepted: ["excited utterance"]) == nil, "three edits are too many")
        #expect(TextNearMiss.find("siadj", accepted: ["siadh"])?.distance == 1, "five characters allow one edit")
        #expect(TextNearMiss.find("siajj", accepted: ["siadh"]) == nil, "but not two")
    }

    @Test("short accepted answers have no near misses: a different digit or letter is simply wrong")
    func shortKeys() {
        #expect(TextNearMiss.find("8", accepted: ["6"]) == nil)
        #expect(TextNearMiss.find("kg", accepted: ["kf"]) == nil)
        #expect(TextNearMiss.find("D6h", accepted: ["D5h"]) == nil)
    }

    @Test("an answer containing an accepted answer as whole words is a near miss; inside another word it is not")
    func containment() throws {
        let near = try #require(TextNearMiss.find("I think it is an excited utterance, made under stress", accepted: ["excited utterance"]))
        #expect(near.kind == .contains && near.accepted == "excited utterance")
        #expect(TextNearMiss.find("six or seven", accepted: ["6", "six"])?.kind == .contains)
        #expect(TextNearMiss.find("sixty", accepted: ["six"]) == nil)
    }

    @Test("an exact match after normalization is a hit, not a near miss; an empty answer is nothing")
    func hitsAndEmpty() {
        #expect(TextNearMiss.find("Excited utterance.", accepted: ["excited utterance"]) == nil)
        #expect(TextNearMiss.find("   ", accepted: ["excited utterance"]) == nil)
        #expect(TextNearMiss.find("anything", accepted: []) == nil)
    }

    @Test("the edit distance counts insertions, deletions, substitutions and neighbour swaps")
    func distance() {
        func d(_ a: String, _ b: String) -> Int { TextNearMiss.editDistance(Array(a), Array(b)) }
        #expect(d("", "abc") == 3 && d("abc", "") == 3 && d("abc", "abc") == 0)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("ca", "ac") == 1)
        #expect(d("abcd", "acbd") == 1)
    }
}
