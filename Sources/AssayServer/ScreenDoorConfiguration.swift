/// How the door listens and what it allows. `Sendable`.
public struct ScreenDoorConfiguration: Sendable {
    /// The address to listen on (`0.0.0.0` for every IPv4 interface, `::` for IPv6).
    public var host: String
    /// The TCP port (0 picks a free one; ``ScreenDoor/start()`` says which).
    public var port: Int
    /// The most connections at once, from everyone.
    public var maxSessions: Int
    /// The most connections at once from one source address.
    public var maxSessionsPerAddress: Int
    /// Seconds without input after which a session is closed (its answers are kept).
    public var idleTimeout: Double
    /// Seconds a connection may take from connecting to starting its shell.
    public var loginGraceTime: Double
    /// Seconds that connected candidates get, after a shutdown began, to receive the goodbye
    /// before their connections are cut.
    public var shutdownGrace: Double
    /// Event loop threads.
    public var eventLoopThreads: Int

    /// A configuration.
    ///
    /// - Parameters:
    ///   - host: the address to listen on.
    ///   - port: the TCP port.
    ///   - maxSessions: the most connections at once.
    ///   - maxSessionsPerAddress: the most connections at once from one address.
    ///   - idleTimeout: seconds without input before a session is closed.
    ///   - loginGraceTime: seconds from connecting to starting a shell.
    ///   - shutdownGrace: seconds for goodbyes when stopping.
    ///   - eventLoopThreads: event loop threads.
    public init(host: String = "0.0.0.0", port: Int = 2222, maxSessions: Int = 2000, maxSessionsPerAddress: Int = 10,
                idleTimeout: Double = 900, loginGraceTime: Double = 60, shutdownGrace: Double = 3, eventLoopThreads: Int = 2) {
        self.host = host
        self.port = port
        self.maxSessions = max(1, maxSessions)
        self.maxSessionsPerAddress = max(1, maxSessionsPerAddress)
        self.idleTimeout = idleTimeout
        self.loginGraceTime = loginGraceTime
        self.shutdownGrace = shutdownGrace
        self.eventLoopThreads = max(1, eventLoopThreads)
    }
}
