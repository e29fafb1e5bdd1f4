public import NIOCore
public import NIOSSL
public import SextantRPC
import SwiftASN1
public import X509

/// Reads the ``ServiceIdentity`` a peer proved during the mutual-TLS handshake.
///
/// The identity is the one `sextant://service/<name>` URI subject alternative name in the peer's leaf
/// certificate. NIOSSL only completes a handshake whose peer certificate chains to the trust roots of
/// ``TLSIdentity`` (the suite CA), so after `TLSUserEvent.handshakeCompleted` the certificate returned
/// by `NIOSSLHandler.peerCertificate` is a verified one and its URI can be trusted. Before that event
/// the certificate may be absent or not yet verified: read the identity only after it.
///
/// From a handler on the channel's event loop:
///
/// ```swift
/// func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
///     if case TLSUserEvent.handshakeCompleted = event {
///         do {
///             let caller = try PeerIdentity.read(from: context.pipeline.syncOperations)
///             // authorize `caller`
///         } catch {
///             context.fireErrorCaught(error)
///             context.close(promise: nil)
///         }
///     }
///     context.fireUserInboundEventTriggered(event)
/// }
/// ```
public enum PeerIdentity {
    /// Reads the peer's identity from a TLS handler whose handshake has completed.
    ///
    /// Must be called on the handler's event loop.
    ///
    /// - Parameter handler: the channel's `NIOSSLServerHandler` or `NIOSSLClientHandler`.
    /// - Returns: the identity in the peer's certificate.
    /// - Throws: ``TLSIdentityError`` with code `noPeerCertificate` if the peer presented none (or the
    ///   handshake has not completed), or any error of ``identity(in:)-(Certificate)``.
    public static func read(from handler: NIOSSLHandler) throws -> ServiceIdentity {
        guard let certificate = handler.peerCertificate else {
            throw TLSIdentityError(
                code: .noPeerCertificate,
                message: "the peer presented no certificate, or the TLS handshake has not completed"
            )
        }
        return try Self.identity(in: certificate)
    }

    /// Reads the peer's identity from the TLS handler in a channel pipeline.
    ///
    /// Must be called on the channel's event loop, for example from a handler's
    /// `userInboundEventTriggered` on `TLSUserEvent.handshakeCompleted`, or from a channel initializer
    /// after the handshake.
    ///
    /// - Parameter pipeline: the channel's `pipeline.syncOperations`.
    /// - Returns: the identity in the peer's certificate.
    /// - Throws: ``TLSIdentityError`` with code `noPeerCertificate` if the pipeline has no NIOSSL handler,
    ///   or any error of ``read(from:)-(NIOSSLHandler)``.
    public static func read(from pipeline: ChannelPipeline.SynchronousOperations) throws -> ServiceIdentity {
        let handler: NIOSSLHandler
        do {
            handler = try pipeline.handler(type: NIOSSLHandler.self)
        } catch {
            throw TLSIdentityError(
                code: .noPeerCertificate,
                message: "the channel pipeline has no NIOSSL handler",
                cause: error
            )
        }
        return try Self.read(from: handler)
    }

    /// Reads the peer's identity from a channel, from any thread.
    ///
    /// - Parameter channel: a channel with a NIOSSL handler whose handshake has completed.
    /// - Returns: the identity in the peer's certificate.
    /// - Throws: ``TLSIdentityError`` as ``read(from:)-(ChannelPipeline.SynchronousOperations)`` does.
    public static func read(from channel: any Channel) async throws -> ServiceIdentity {
        try await channel.eventLoop.submit {
            try Self.read(from: channel.pipeline.syncOperations)
        }.get()
    }

    /// Returns the identity named by a NIOSSL certificate's `sextant://service/<name>` URI.
    ///
    /// - Parameter certificate: a certificate, typically the peer's.
    /// - Returns: the identity.
    /// - Throws: ``TLSIdentityError`` with code `invalidPEM` if the certificate cannot be re-parsed by
    ///   swift-certificates, or any error of ``identity(in:)-(Certificate)``.
    public static func identity(in certificate: NIOSSLCertificate) throws -> ServiceIdentity {
        let parsed: Certificate
        do {
            parsed = try Certificate(derEncoded: certificate.toDERBytes())
        } catch {
            throw TLSIdentityError(
                code: .invalidPEM,
                message: "cannot parse the peer certificate (serial: \(certificate.serialNumber.hexString))",
                cause: error
            )
        }
        return try Self.identity(in: parsed)
    }

    /// Returns the identity named by a certificate's `sextant://service/<name>` URI.
    ///
    /// Other URIs, DNS names and IP addresses are ignored, and so is the subject common name.
    ///
    /// - Parameter certificate: the certificate.
    /// - Returns: the identity.
    /// - Throws: ``TLSIdentityError`` with code `missingServiceIdentity` if there is no such URI (or its
    ///   name is not a valid identity), or `ambiguousServiceIdentity` if two URIs name different identities.
    public static func identity(in certificate: Certificate) throws -> ServiceIdentity {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw TLSIdentityError(
                code: .missingServiceIdentity,
                message: "the certificate \(certificate.subject) has a malformed subject alternative name extension",
                cause: error
            )
        }

        var found: [ServiceIdentity] = []
        for case .uniformResourceIdentifier(let uri) in names ?? SubjectAlternativeNames()
        where uri.hasPrefix(ServiceIdentity.uriPrefix) {
            guard let identity = ServiceIdentity(uri: uri) else {
                throw TLSIdentityError(
                    code: .missingServiceIdentity,
                    message: "the certificate \(certificate.subject) has an invalid service URI "
                        + String(reflecting: uri)
                )
            }
            if !found.contains(identity) {
                found.append(identity)
            }
        }

        switch found.count {
        case 1:
            return found[0]
        case 0:
            throw TLSIdentityError(
                code: .missingServiceIdentity,
                message: "the certificate \(certificate.subject) has no \(ServiceIdentity.uriPrefix)<name> URI"
            )
        default:
            throw TLSIdentityError(
                code: .ambiguousServiceIdentity,
                message: "the certificate \(certificate.subject) names \(found.count) service identities: "
                    + found.map(\.name).joined(separator: ", ")
            )
        }
    }
}

extension [UInt8] {
    /// Lowercase hexadecimal, two digits per byte.
    fileprivate var hexString: String {
        self.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
