import SextantRPC
import Testing

@Suite("ServiceIdentity")
struct ServiceIdentityTests {
    @Test(
        "valid names",
        arguments: ["a", "gateway", "ingest-service", "svc-2", "9lives", String(repeating: "x", count: 63)]
    )
    func validNames(name: String) throws {
        let identity = try ServiceIdentity(name)
        #expect(identity.name == name)
        #expect(identity.description == name)
        #expect(ServiceIdentity(validating: name) == identity)
        #expect(identity.uri == "sextant://service/" + name)
        #expect(ServiceIdentity(uri: identity.uri) == identity)
    }

    @Test(
        "invalid names",
        arguments: [
            ("", ServiceIdentity.InvalidNameError.Reason.empty),
            (String(repeating: "x", count: 64), .tooLong),
            ("Gateway", .invalidCharacter),
            ("ingest_service", .invalidCharacter),
            ("ingest.service", .invalidCharacter),
            ("a/b", .invalidCharacter),
            ("café", .invalidCharacter),
            (" gateway", .invalidCharacter),
            ("-gateway", .hyphenAtEdge),
            ("gateway-", .hyphenAtEdge),
        ]
    )
    func invalidNames(name: String, reason: ServiceIdentity.InvalidNameError.Reason) {
        #expect(throws: ServiceIdentity.InvalidNameError(name: name, reason: reason)) {
            try ServiceIdentity(name)
        }
        #expect(ServiceIdentity(validating: name) == nil)
        #expect(ServiceIdentity(uri: "sextant://service/" + name) == nil)
    }

    @Test(
        "URIs that are not exactly sextant://service/<name>",
        arguments: [
            "", "sextant://service/", "sextant://service/gateway/", "sextant://service/gateway?x=1",
            "SEXTANT://service/gateway", "sextant://services/gateway", "https://service/gateway", "gateway",
        ]
    )
    func invalidURIs(uri: String) {
        #expect(ServiceIdentity(uri: uri) == nil)
    }

    @Test("the known identities")
    func knownIdentities() {
        #expect(
            ServiceIdentity.allKnown.map(\.name) == [
                "ingest-service", "attribution-service", "insights-service", "predictive-service", "billing-service",
                "gateway", "admin",
            ]
        )
        #expect(Set(ServiceIdentity.allKnown).count == ServiceIdentity.allKnown.count)
        for identity in ServiceIdentity.allKnown {
            #expect(ServiceIdentity(validating: identity.name) == identity)
        }
    }

    @Test("the error message names the value and the rule")
    func errorMessage() {
        let error = ServiceIdentity.InvalidNameError(name: "Gateway", reason: .invalidCharacter)
        let expected =
            #"invalid service identity "Gateway" (length: 7): "#
            + "may contain only lowercase letters a-z, digits 0-9 and '-'"
        #expect(error.description == expected)
    }
}
