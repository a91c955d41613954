import Logging
import NIOCore
import NIOSSH

/// One SSH session channel: takes `pty-req`, `shell` and `window-change`, refuses `exec` and
/// subsystems, and once the shell starts runs the door's ``DoorSession`` over a
/// ``DoorTerminal``, closing the session after the idle timeout. Lives on the connection's event
/// loop.
final class SessionChannelHandler: ChannelInboundHandler {
    typealias InboundIn = SSHChannelData
    typealias OutboundOut = SSHChannelData

    /// What a client that asks for anything but the screen is told.
    static let onlyTheScreen = "This service only opens a screen for candidates: connect with ssh -t and no command, e.g. ssh -t -p PORT HOST, then type your invite code.\r\n"
    static let needsTerminal = "This service needs a terminal: connect with ssh -t (and no command).\r\n"
    static func idleMessage(after seconds: Double) -> String {
        let span = seconds >= 120 ? "\(Int((seconds / 60).rounded())) minutes" : "\(Int(seconds.rounded())) seconds"
        return "\r\n\r\nThis session was closed after \(span) without input. Every answer you saved is kept: connect again to continue.\r\n"
    }
    static let floodMessage = "\r\n\r\nToo much input arrived at once; the session was closed. Every answer you saved is kept.\r\n"

    private let door: ScreenDoor
    private let connection: DoorConnection
    private var pty: (term: String, window: WindowSize)?
    private var terminal: DoorTerminal?
    private var lastInput = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?

    init(door: ScreenDoor, connection: DoorConnection) {
        self.door = door
        self.connection = connection
    }

    private var logger: Logger { door.logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard message.type == .channel, case .byteBuffer(var buffer) = message.data, let terminal else { return }
        lastInput = .now()
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        if !terminal.receive(bytes) {
            logger.notice("session closed: input flood", metadata: ["address": "\(connection.address)", "connection": "\(connection.id)"])
            end(terminal, .inputFlood, message: Self.floodMessage, exitStatus: 1)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
            guard terminal == nil else { return reply(context, request.wantReply, false) }
            pty = (request.term, WindowSize(columns: request.terminalCharacterWidth, rows: request.terminalRowHeight))
            reply(context, request.wantReply, true)
        case let request as SSHChannelRequestEvent.ShellRequest:
            startShell(context, wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            let window = WindowSize(columns: request.terminalCharacterWidth, rows: request.terminalRowHeight)
            pty?.window = window
            terminal?.resize(window)
        case let request as SSHChannelRequestEvent.ExecRequest:
            // The command is never logged: it might hold an invite code.
            refuse(context, "exec", wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            refuse(context, "subsystem \(request.subsystem.prefix(32))", wantReply: request.wantReply)
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            reply(context, request.wantReply, false)  // ignored, as sshd ignores what it does not accept
        case let event as ChannelEvent where event == .inputClosed:
            if let terminal {
                terminal.finish(.inputEnded)
            } else {
                context.close(promise: nil)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        terminal?.finish(.disconnected)
        if let end = terminal?.end { connection.endReason = end }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("session error", metadata: ["address": "\(connection.address)", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ wantReply: Bool, _ success: Bool) {
        guard wantReply else { return }
        if success {
            context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ request: String, wantReply: Bool) {
        logger.notice("refused", metadata: ["address": "\(connection.address)", "connection": "\(connection.id)", "request": "\(request)"])
        // The line goes out before the refusal, and the refusal a moment later: OpenSSH's client
        // exits as soon as it has the refusal, and when both arrive in one read it exits before
        // it has written the line to the terminal (seen in a loaded test run).
        let channel = context.channel
        let hasShell = terminal != nil
        writeError(context, Self.onlyTheScreen).whenComplete { _ in
            channel.eventLoop.scheduleTask(in: .milliseconds(100)) {
                if wantReply { channel.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil) }
                if !hasShell { channel.close(promise: nil) }
            }
        }
    }

    @discardableResult
    private func writeError(_ context: ChannelHandlerContext, _ text: String) -> EventLoopFuture<Void> {
        let buffer = context.channel.allocator.buffer(string: text)
        return context.writeAndFlush(wrapOutboundOut(SSHChannelData(type: .stdErr, data: .byteBuffer(buffer))))
    }

    private func startShell(_ context: ChannelHandlerContext, wantReply: Bool) {
        guard terminal == nil, connection.claimShell() else { return reply(context, wantReply, false) }
        reply(context, wantReply, true)
        let channel = context.channel
        guard let pty else {
            logger.notice("refused", metadata: ["address": "\(connection.address)", "connection": "\(connection.id)", "request": "shell without a terminal"])
            writeError(context, Self.needsTerminal)
            closeWithStatus(channel, 1)
            return
        }
        if let refusal = connection.refusal {
            logger.notice("session refused: too many from this address", metadata: ["address": "\(connection.address)", "connection": "\(connection.id)"])
            writeError(context, refusal + "\r\n")
            closeWithStatus(channel, 1)
            return
        }
        let peer = DoorPeer(userName: connection.userName, address: connection.address, port: connection.port)
        let terminal = DoorTerminal(peer: peer, terminalType: pty.term, window: pty.window, channel: channel)
        self.terminal = terminal
        lastInput = .now()
        scheduleIdleCheck(context.eventLoop, after: door.configuration.idleTimeout)
        door.registry.onShutdown(id: connection.id) { [connection] in
            // The message goes first: once the events end, the session may close the channel.
            connection.endReason = .shutdown
            terminal.write(ScreenDoor.shutdownMessage)
            terminal.finish(.shutdown)
            terminal.sendExitStatusAndClose(0)
        }
        let session = door.session
        Task {
            await session.serve(terminal)
            terminal.sendExitStatusAndClose(0)
        }
    }

    private func scheduleIdleCheck(_ eventLoop: any EventLoop, after seconds: Double) {
        idleCheck = eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(max(0.001, seconds) * 1000))) { [self] in
            guard let terminal, terminal.end == nil else { return }
            let timeout = door.configuration.idleTimeout
            let quiet = Double((NIODeadline.now() - lastInput).nanoseconds) / 1e9
            if quiet + 0.001 >= timeout {
                logger.info("session closed: idle", metadata: ["address": "\(connection.address)", "connection": "\(connection.id)"])
                end(terminal, .idle, message: Self.idleMessage(after: timeout), exitStatus: 0)
            } else {
                scheduleIdleCheck(eventLoop, after: timeout - quiet)
            }
        }
    }

    private func end(_ terminal: DoorTerminal, _ reason: DoorEnd, message: String, exitStatus: Int) {
        connection.endReason = reason
        terminal.write(message)
        terminal.finish(reason)
        terminal.sendExitStatusAndClose(exitStatus)
    }

    private func closeWithStatus(_ channel: any Channel, _ status: Int) {
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: status)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
