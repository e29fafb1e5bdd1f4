import NIOCore
import NIOEmbedded
import NIOSSL
import SextantRPC
import SextantRPCNIO
import SextantTesting
import Testing

@Suite("Mutual TLS over loopback")
struct MutualTLSTests {
    @Test("both ends read each other's service identity, over TLS 1.3 with ALPN sextant/1")
    func identitiesAreExchanged() async throws {
        let pki = try TestPKI.shared()
        let server = try await LoopbackTLSEcho.startServer(
            configuration: pki.tlsIdentity(for: .billingService).makeServerConfiguration()
        )
        let client = try await LoopbackTLSEcho.connect(
            to: server.port,
            configuration: pki.tlsIdentity(for: .gateway).makeClientConfiguration()
        )

        let serverSaw = try await LoopbackTLSEcho.await(server.firstHandshake, "the server's handshake")
        let clientSaw = try await LoopbackTLSEcho.await(client.handshake, "the client's handshake")
        let reply = try await LoopbackTLSEcho.await(client.reply, "the echo")

        #expect(serverSaw == CompletedHandshake(peer: .gateway, applicationProtocol: TLSIdentity.applicationProtocol))
        #expect(clientSaw == CompletedHandshake(peer: .billingService, applicationProtocol: "sextant/1"))
        #expect(reply == "ping")
        let version = try await client.channel.nioSSL_tlsVersion().get()
        #expect(version == .tlsv13)
        // The async reader agrees with the one used inside the handler.
        #expect(try await PeerIdentity.read(from: client.channel) == .billingService)

        try await client.channel.close()
        try await server.channel.close()
    }

    @Test("a client whose certificate comes from another CA is refused")
    func untrustedClientIsRefused() async throws {
        let pki = try TestPKI.shared()
        let server = try await LoopbackTLSEcho.startServer(
            configuration: pki.tlsIdentity(for: .billingService).makeServerConfiguration()
        )
        // The impostor trusts the real CA, so only the server's check of its certificate can fail.
        let client = try await LoopbackTLSEcho.connect(
            to: server.port,
            configuration: pki.untrustedTLSIdentity(for: .gateway).makeClientConfiguration()
        )

        let serverError = try await LoopbackTLSEcho.awaitFailure(server.firstHandshake, "the server to refuse")
        #expect(Self.isHandshakeFailure(serverError), "server error: \(String(describing: serverError))")
        let replyError = try await LoopbackTLSEcho.awaitFailure(client.reply, "the client to be cut off")
        #expect(replyError != nil)
        try await LoopbackTLSEcho.await(client.channel.closeFuture, "the client channel to close")

        try await server.channel.close()
    }

    @Test("a client that presents no certificate is refused")
    func clientWithoutCertificateIsRefused() async throws {
        let pki = try TestPKI.shared()
        let server = try await LoopbackTLSEcho.startServer(
            configuration: pki.tlsIdentity(for: .billingService).makeServerConfiguration()
        )
        var anonymous = try pki.tlsIdentity(for: .gateway).makeClientConfiguration()
        anonymous.certificateChain = []
        anonymous.privateKey = nil
        let client = try await LoopbackTLSEcho.connect(to: server.port, configuration: anonymous)

        let serverError = try await LoopbackTLSEcho.awaitFailure(server.firstHandshake, "the server to refuse")
        #expect(Self.isHandshakeFailure(serverError), "server error: \(String(describing: serverError))")
        let replyError = try await LoopbackTLSEcho.awaitFailure(client.reply, "the client to be cut off")
        #expect(replyError != nil)
        try await LoopbackTLSEcho.await(client.channel.closeFuture, "the client channel to close")

        try await server.channel.close()
    }

    @Test("a client refuses a server whose certificate comes from another CA")
    func untrustedServerIsRefused() async throws {
        let pki = try TestPKI.shared()
        let server = try await LoopbackTLSEcho.startServer(
            configuration: pki.untrustedTLSIdentity(for: .billingService).makeServerConfiguration()
        )
        let client = try await LoopbackTLSEcho.connect(
            to: server.port,
            configuration: pki.tlsIdentity(for: .gateway).makeClientConfiguration()
        )

        let clientError = try await LoopbackTLSEcho.awaitFailure(client.handshake, "the client to refuse")
        #expect(Self.isHandshakeFailure(clientError), "client error: \(String(describing: clientError))")
        let serverError = try await LoopbackTLSEcho.awaitFailure(server.firstHandshake, "the server to be cut off")
        #expect(serverError != nil)

        try await server.channel.close()
    }

    @Test("reading the peer identity of a channel without TLS fails clearly")
    func noTLSHandler() throws {
        let channel = EmbeddedChannel()
        expectError(.noPeerCertificate) {
            try PeerIdentity.read(from: channel.pipeline.syncOperations)
        }
        _ = try channel.finish()
    }

    private static func isHandshakeFailure(_ error: (any Error)?) -> Bool {
        if case .handshakeFailed = error as? NIOSSLError {
            return true
        }
        return false
    }
}
