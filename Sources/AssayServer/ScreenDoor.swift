import AssayCore
import Foundation
public import Logging
import NIOCore
import NIOPosix
import NIOSSH
import Synchronization

/// `assay serve`: an SSH server that lets a candidate reach their screen with the `ssh` they
/// already have, and nothing else.
///
/// - Any user name, no key and no password: "none" authentication succeeds (it is what OpenSSH
///   tries first), and so do password (its text is ignored and never logged) and public-key
///   (any key) for clients that skip "none"; NIOSSH does not implement keyboard-interactive, so
///   it is never offered. The user name may be the invite code. Who the candidate is is decided
///   by the code alone, in the session.
/// - Only session channels, and in them only `pty-req`, `shell` and `window-change` (and `env`,
///   ignored): `exec`, subsystems (`sftp`), `direct-tcpip` and `tcpip-forward` (port
///   forwarding), agent and X11 forwarding are refused, the first three with a line saying what
///   the door is for. A shell without a terminal gets that line and exit status 1. One shell per
///   connection.
/// - At most ``ScreenDoorConfiguration/maxSessions`` connections at once (more are closed at
///   once), at most ``ScreenDoorConfiguration/maxSessionsPerAddress`` from one address (more are
///   told so and closed), a connection must start its shell within the login grace time, and a
///   session without input for the idle timeout is closed with a message that its answers are
///   kept.
/// - Every connection, refusal and end is logged with the source address; never the user name
///   (it may be a code).
/// - ``shutdown()`` stops accepting, tells every connected candidate that the service is
///   restarting and their answers are saved, and closes their connections after the grace time.
///
/// What a candidate sees in their shell is the ``DoorSession`` given. `Sendable`.
public final class ScreenDoor: Sendable {
    /// The configuration.
    public let configuration: ScreenDoorConfiguration
    let hostKey: HostKey
    let session: any DoorSession
    let logger: Logger
    let registry = DoorRegistry()
    private let group: MultiThreadedEventLoopGroup
    private let listener = Mutex<(any Channel)?>(nil)

    /// What the door tells candidates when it stops.
    static let shutdownMessage = "\r\n\r\nThe screen service is restarting. Every answer you saved is kept: connect again in a minute to continue where you left off.\r\n"

    /// A door; nothing listens until ``start()``.
    ///
    /// - Parameters:
    ///   - configuration: where to listen and what to allow.
    ///   - hostKey: the server's key.
    ///   - session: what every shell session runs.
    ///   - logger: where connections and refusals are logged.
    public init(configuration: ScreenDoorConfiguration, hostKey: HostKey, session: any DoorSession, logger: Logger) {
        self.configuration = configuration
        self.hostKey = hostKey
        self.session = session
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoopThreads)
    }

    /// Starts listening.
    ///
    /// - Returns: the address and port listened on (the port chosen when the configuration said
    ///   0), the address as `HOST:PORT` or `[V6]:PORT`.
    /// - Throws: ``AssayError`` (configuration) when the address cannot be bound.
    @discardableResult
    public func start() throws -> (address: String, port: Int) {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.accept(channel) }
            }
        let channel: any Channel
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            throw AssayError(.configuration, "cannot listen on \(configuration.host):\(configuration.port): \(error)",
                             hint: "choose another address or port with --listen HOST:PORT")
        }
        listener.withLock { $0 = channel }
        guard let address = channel.localAddress, let host = address.ipAddress, let port = address.port else {
            throw AssayError(.configuration, "cannot tell which address \(configuration.host):\(configuration.port) is bound to")
        }
        return (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)", port)
    }

    /// Stops accepting, tells connected candidates the service is restarting and their answers
    /// are saved, and closes every connection once they have had the grace time to read it (or
    /// sooner, when all have left). Returns when every connection is closed and the event loops
    /// have stopped.
    public func shutdown() {
        let channel = listener.withLock { channel -> (any Channel)? in
            defer { channel = nil }
            return channel
        }
        try? channel?.close().wait()
        let (sessions, connections) = registry.beginShutdown()
        logger.info("shutting down", metadata: ["connections": "\(connections.count)", "sessions": "\(sessions.count)"])
        for goodbye in sessions { goodbye() }
        let deadline = Date().addingTimeInterval(configuration.shutdownGrace)
        while registry.connectionCount > 0, Date() < deadline { usleep(20_000) }
        for connection in connections { connection.close(promise: nil) }
        let closeDeadline = Date().addingTimeInterval(2)
        while registry.connectionCount > 0, Date() < closeDeadline { usleep(20_000) }
        try? group.syncShutdownGracefully()
    }

    /// Sets up one accepted TCP connection (on its event loop).
    private func accept(_ channel: any Channel) throws {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let port = channel.remoteAddress?.port ?? 0
        let connection: DoorConnection
        switch registry.admit(address: address, channel: channel, configuration: configuration) {
        case .refused(let reason):
            logger.notice("connection refused", metadata: ["address": "\(address)", "reason": "\(reason)"])
            channel.close(promise: nil)
            return
        case .admitted(let id, let refusal):
            connection = DoorConnection(id: id, address: address, port: port, refusal: refusal)
        }
        logger.info("connection opened", metadata: ["address": "\(address)", "port": "\(port)", "connection": "\(connection.id)"])
        let opened = Date()
        channel.closeFuture.whenComplete { [self] _ in
            registry.release(id: connection.id)
            logger.info("connection closed", metadata: [
                "address": "\(address)", "connection": "\(connection.id)",
                "seconds": "\(Int(Date().timeIntervalSince(opened)))", "reason": "\(connection.endReason.rawValue)",
            ])
        }
        // A connection that has not started its shell within the grace time is cut.
        channel.eventLoop.scheduleTask(in: .milliseconds(Int64(configuration.loginGraceTime * 1000))) { [self] in
            guard !connection.shellStarted else { return }
            logger.notice("connection cut: no shell within the login grace time", metadata: ["address": "\(address)", "connection": "\(connection.id)"])
            channel.close(promise: nil)
        }
        var server = SSHServerConfiguration(hostKeys: [hostKey.sshKey], userAuthDelegate: DoorAuthentication(connection: connection),
                                            globalRequestDelegate: DoorGlobalRequests(logger: logger, address: address))
        server.maximumPacketSize = 1 << 15
        server.maxAuthAttempts = 20
        let handler = NIOSSHHandler(role: .server(server), allocator: channel.allocator) { [self] child, type in
            openChannel(child, type: type, connection: connection)
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(DoorErrorHandler(logger: logger, address: address))
    }

    /// Sets up a channel the client opens (on the connection's event loop).
    private func openChannel(_ channel: any Channel, type: SSHChannelType, connection: DoorConnection) -> EventLoopFuture<Void> {
        switch type {
        case .session:
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(SessionChannelHandler(door: self, connection: connection))
            }.flatMap {
                channel.setOption(.allowRemoteHalfClosure, value: true)
            }
        case .directTCPIP(let target):
            logger.notice("refused", metadata: ["address": "\(connection.address)", "request": "direct-tcpip", "target_port": "\(target.targetPort)"])
            return channel.eventLoop.makeFailedFuture(DoorRefusalError(request: "direct-tcpip"))
        case .forwardedTCPIP:
            logger.notice("refused", metadata: ["address": "\(connection.address)", "request": "forwarded-tcpip"])
            return channel.eventLoop.makeFailedFuture(DoorRefusalError(request: "forwarded-tcpip"))
        }
    }
}

/// One TCP connection's state, shared by its handlers. `Sendable`: behind a `Mutex`.
final class DoorConnection: Sendable {
    private struct State {
        var userName = ""
        var shellStarted = false
        var shells = 0
        var endReason = DoorEnd.disconnected
    }

    let id: Int
    let address: String
    let port: Int
    /// Why this connection may not have a session, if it may not (told to the candidate).
    let refusal: String?
    private let state = Mutex(State())

    init(id: Int, address: String, port: Int, refusal: String?) {
        self.id = id
        self.address = address
        self.port = port
        self.refusal = refusal
    }

    var userName: String {
        get { state.withLock { $0.userName } }
        set { state.withLock { $0.userName = newValue } }
    }

    var shellStarted: Bool { state.withLock { $0.shellStarted } }

    var endReason: DoorEnd {
        get { state.withLock { $0.endReason } }
        set { state.withLock { $0.endReason = newValue } }
    }

    /// Claims the connection's one shell; false when it already has one.
    func claimShell() -> Bool {
        state.withLock { state in
            guard state.shells == 0 else { return false }
            state.shells = 1
            state.shellStarted = true
            return true
        }
    }
}

/// Every authentication succeeds (see ``ScreenDoor``); the user name is kept for the session.
final class DoorAuthentication: NIOSSHServerUserAuthenticationDelegate, Sendable {
    let connection: DoorConnection

    init(connection: DoorConnection) { self.connection = connection }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { [.password, .publicKey] }

    func requestReceived(request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        switch request.request {
        case .none, .password, .publicKey:
            connection.userName = request.username
            responsePromise.succeed(.success)
        case .hostBased:
            responsePromise.succeed(.failure)
        }
    }
}

/// Refuses remote port forwarding (`ssh -R`), logging it.
struct DoorGlobalRequests: GlobalRequestDelegate, Sendable {
    let logger: Logger
    let address: String

    func tcpForwardingRequest(_ request: GlobalRequest.TCPForwardingRequest, handler: NIOSSHHandler,
                              promise: EventLoopPromise<GlobalRequest.TCPForwardingResponse>) {
        logger.notice("refused", metadata: ["address": "\(address)", "request": "tcpip-forward"])
        promise.fail(DoorRefusalError(request: "tcpip-forward"))
    }
}

/// A request the door does not serve.
struct DoorRefusalError: Error {
    var request: String
}

/// Logs a connection's errors (a client that disconnects mid-handshake, a protocol error) and
/// closes it.
final class DoorErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any
    let logger: Logger
    let address: String

    init(logger: Logger, address: String) {
        self.logger = logger
        self.address = address
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["address": "\(address)", "error": "\(error)"])
        context.close(promise: nil)
    }
}
