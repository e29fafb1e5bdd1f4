/// A violation of the framing rules: the connection cannot continue and is closed after a
/// GOAWAY carrying ``code`` and ``message``.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The GOAWAY error code that reports this violation.
    public var code: GoAway.ErrorCode
    /// What was wrong, with the limit and the value where there is one.
    public var message: String

    /// Creates a framing error.
    public init(code: GoAway.ErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code): \(self.message)" }
}
