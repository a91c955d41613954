@testable import AssayServer
import CandidateTerminal
import Testing

/// The prompt's input queue on the door: what a candidate sends waits there for the prompt's
/// thread, and never more than ``DoorTerminal/inputLimit`` bytes of it.
@Suite("The door's input queue and its 1 MiB cap")
struct DoorInputTests {
    static let quarter = [UInt8](repeating: UInt8(ascii: "a"), count: DoorTerminal.inputLimit / 4)

    @Test("bytes waiting are capped at 1 MiB: a chunk that would pass the cap is refused whole, window changes and the end still pass")
    func capsWaitingBytes() {
        let input = DoorInput()
        for _ in 0..<4 { #expect(input.push(.bytes(Self.quarter))) }
        #expect(!input.push(.bytes([UInt8(ascii: "b")])), "one byte over the cap")
        #expect(input.push(.resize(TerminalSize(columns: 80, rows: 24))))
        #expect(input.push(.end))
        // What was accepted comes out in order, nothing of the refused chunk.
        for _ in 0..<4 { #expect(input.next(timeout: 0) == .bytes(Self.quarter)) }
        #expect(input.next(timeout: 0) == .resize(TerminalSize(columns: 80, rows: 24)))
        #expect(input.next(timeout: 0) == .end)
        #expect(input.next(timeout: 0) == .end, "the end stays the end")
    }

    @Test("a single chunk larger than the cap is refused, and what the prompt has read makes room again")
    func readingMakesRoom() {
        let input = DoorInput()
        #expect(!input.push(.bytes([UInt8](repeating: 0, count: DoorTerminal.inputLimit + 1))))
        #expect(input.next(timeout: 0) == nil, "nothing of it was queued")
        #expect(input.push(.bytes([UInt8](repeating: 0, count: DoorTerminal.inputLimit))))
        #expect(!input.push(.bytes([1])))
        #expect(input.next(timeout: 0) == .bytes([UInt8](repeating: 0, count: DoorTerminal.inputLimit)))
        #expect(input.push(.bytes([1])), "read bytes no longer count")
        #expect(input.next(timeout: 0) == .bytes([1]))
    }

    @Test("a paste of 32 MiB fed in 64 KiB chunks, as SSH delivers it, to a prompt that does not read: 1 MiB is kept, the rest refused")
    func pasteWithoutReader() {
        let input = DoorInput()
        let chunk = [UInt8](repeating: UInt8(ascii: "w"), count: 64 << 10)
        var accepted = 0
        for _ in 0..<(32 << 20) / chunk.count where input.push(.bytes(chunk)) {
            accepted += chunk.count
        }
        #expect(accepted == DoorTerminal.inputLimit)
        var read = 0
        while case .bytes(let bytes)? = input.next(timeout: 0) { read += bytes.count }
        #expect(read == DoorTerminal.inputLimit)
    }
}
