import SextantRPCNIO
import Testing

/// Expects `body` to throw a ``TLSIdentityError`` with `code`, recording an issue that names what happened otherwise.
func expectError<Value>(
    _ code: TLSIdentityError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Value
) {
    do {
        let value = try body()
        Issue.record("expected a \(code) error, got \(value)", sourceLocation: sourceLocation)
    } catch let error as TLSIdentityError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected a TLSIdentityError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
