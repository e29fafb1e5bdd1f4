public import SextantRPC

/// The file layout of a directory holding the suite CA and service certificates, all PEM.
///
/// | File                | Contents                                             | Mode |
/// |---------------------|------------------------------------------------------|------|
/// | `ca.pem`            | the suite CA certificate (every process's trust root) | 0644 |
/// | `ca-key.pem`        | the suite CA private key, PKCS#8                      | 0600 |
/// | `<name>.pem`        | the certificate of identity `<name>`                  | 0644 |
/// | `<name>-key.pem`    | the private key of identity `<name>`, PKCS#8          | 0600 |
///
/// Directories are created with mode 0700. A service's host needs only `ca.pem`, `<name>.pem` and
/// `<name>-key.pem`; keep `ca-key.pem` on the machine that issues certificates. Identity names cannot
/// contain `/` or `.` (see ``ServiceIdentity``), so every file stays inside the directory; an identity
/// named `ca` would collide with the CA's own files, so writing one is refused
/// (``reservedIdentityName``).
///
/// ```swift
/// let directory = PKIDirectory("/etc/sextant/pki")
/// print(directory.certificatePath(for: .billingService)) // /etc/sextant/pki/billing-service.pem
/// ```
public struct PKIDirectory: Hashable, Sendable {
    /// The directory's path, as given.
    public var path: String

    /// Names a PKI directory; nothing is read or created until a load or write.
    ///
    /// - Parameter path: the directory, absolute or relative to the working directory.
    public init(_ path: String) {
        self.path = path
    }

    /// The one identity name whose files would overwrite the CA's: `ca`.
    public static let reservedIdentityName = "ca"

    /// The suite CA certificate: `<path>/ca.pem`.
    public var caCertificatePath: String {
        self.file("ca.pem")
    }

    /// The suite CA private key: `<path>/ca-key.pem`.
    public var caPrivateKeyPath: String {
        self.file("ca-key.pem")
    }

    /// The certificate of `identity`: `<path>/<name>.pem`.
    ///
    /// - Parameter identity: the certificate's identity.
    /// - Returns: the file's path.
    public func certificatePath(for identity: ServiceIdentity) -> String {
        self.file("\(identity.name).pem")
    }

    /// The private key of `identity`: `<path>/<name>-key.pem`.
    ///
    /// - Parameter identity: the key's identity.
    /// - Returns: the file's path.
    public func privateKeyPath(for identity: ServiceIdentity) -> String {
        self.file("\(identity.name)-key.pem")
    }

    private func file(_ name: String) -> String {
        self.path.hasSuffix("/") ? self.path + name : self.path + "/" + name
    }
}
