import NIOCore
import Synchronization

/// The door's live connections: how many from each address, and how to reach each one when the
/// server stops. `Sendable`: behind a `Mutex`.
final class DoorRegistry: Sendable {
    /// Whether a new connection may go on.
    enum Admission {
        /// It may: its id, and why it may not have a session after all (the per-address limit,
        /// told to the candidate once their shell starts), if so.
        case admitted(id: Int, refusal: String?)
        /// It is closed at once: the server is full or stopping.
        case refused(String)
    }

    private struct State {
        var perAddress: [String: Int] = [:]
        /// Connection → the address it is counted under (connections refused for their
        /// address are not counted).
        var counted: [Int: String] = [:]
        var nextID = 1
        var connections: [Int: any Channel] = [:]
        var goodbyes: [Int: @Sendable () -> Void] = [:]
        var stopping = false
    }

    private let state = Mutex(State())

    /// Admits a connection from `address`, counting it until ``release(id:)``.
    func admit(address: String, channel: any Channel, configuration: ScreenDoorConfiguration) -> Admission {
        state.withLock { state in
            guard !state.stopping else { return .refused("stopping") }
            guard state.connections.count < configuration.maxSessions else { return .refused("server full (\(configuration.maxSessions) connections)") }
            let id = state.nextID
            state.nextID += 1
            state.connections[id] = channel
            let count = state.perAddress[address, default: 0]
            guard count < configuration.maxSessionsPerAddress else {
                return .admitted(id: id, refusal: "Your address already has \(count) open session\(count == 1 ? "" : "s"), the most this service allows. Close one and connect again.")
            }
            state.perAddress[address] = count + 1
            state.counted[id] = address
            return .admitted(id: id, refusal: nil)
        }
    }

    /// Forgets a closed connection.
    func release(id: Int) {
        state.withLock { state in
            state.connections[id] = nil
            state.goodbyes[id] = nil
            if let address = state.counted.removeValue(forKey: id), let count = state.perAddress[address] {
                state.perAddress[address] = count > 1 ? count - 1 : nil
            }
        }
    }

    /// Registers what to do to a connection's session when the server stops.
    func onShutdown(id: Int, _ goodbye: @escaping @Sendable () -> Void) {
        state.withLock { state in
            if state.connections[id] != nil { state.goodbyes[id] = goodbye }
        }
    }

    /// Stops admitting; returns the goodbyes of the live sessions and every live connection.
    func beginShutdown() -> (sessions: [@Sendable () -> Void], connections: [any Channel]) {
        state.withLock { state in
            state.stopping = true
            return (Array(state.goodbyes.values), Array(state.connections.values))
        }
    }

    /// Live connections.
    var connectionCount: Int { state.withLock { $0.connections.count } }
}
