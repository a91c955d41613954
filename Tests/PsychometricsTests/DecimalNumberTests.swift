import Psychometrics
import Testing

@Suite("Numbers in answers are read in decimal only")
struct DecimalNumberTests {
    @Test("decimal numbers read as Swift reads them", arguments: [
        ("42", 42.0), ("-3.5", -3.5), ("+7", 7), (".5", 0.5), ("5.", 5), ("1e-3", 0.001), ("2E+5", 200_000), ("0", 0), ("-0", -0.0),
        ("007", 7), ("1.25e2", 125),
    ])
    func decimal(text: String, value: Double) {
        #expect(DecimalNumber.parse(text) == value)
    }

    @Test("hexadecimal, infinities, NaN, separators, spaces and half numbers are not numbers", arguments: [
        "0x1p3", "0x10", "0X8", "-0x1.cp2", "inf", "-infinity", "nan", "NaN", "1,5", "1 000", " 8", "8 ", "", "+", "-", ".", "e5", "1e",
        "1e+", "1.2.3", "1e400", "٣", "８", "1_000", "0b101", "１",
    ])
    func notDecimal(text: String) {
        #expect(DecimalNumber.parse(text) == nil, "\(text)")
    }
}
