import SextantRPC
import NIOCore
import Ingest
import Foundation
@testable import Gateway
import HTTPTypes
import HummingbirdTesting
import SextantContracts
import SextantWire
import Testing

@Suite struct OpenAPITests {
    @Test func everyRouteIsDocumentedWithItsMethod() async throws {
        let harness = try GatewayHarness()
        let routes = harness.api.routes
        #expect(Set(routes.map { "\($0.method.rawValue) \($0.path)" }).count == routes.count, "a route is registered twice")
        try await harness.test { client in
            let response = try await client.send(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = response.json
            #expect(document["openapi"]?.stringValue == "3.1.0")
            guard case .object(let paths) = document["paths"] ?? .null else {
                Issue.record("no paths")
                return
            }
            var documented = 0
            for route in routes {
                let operation = paths[route.path]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method) \(route.path) is not documented")
                #expect(operation?["operationId"]?.stringValue == route.operationID)
                let roles = operation?["x-sextant-roles"]?.arrayValue.compactMap(\.stringValue) ?? []
                #expect(Set(roles) == Set(route.roles.map(\.name)), "\(route.operationID) roles")
                let parameters = operation?["parameters"]?.arrayValue.compactMap { $0["name"]?.stringValue } ?? []
                for name in route.pathParameters { #expect(parameters.contains(name), "\(route.operationID) parameter \(name)") }
            }
            for (_, operations) in paths {
                if case .object(let methods) = operations { documented += methods.count }
            }
            #expect(documented == routes.count, "the document lists operations the router does not have")
        }
    }

    @Test func everySchemaReferenceResolves() throws {
        let harness = try GatewayHarness()
        let document = harness.api.openAPIDocument()
        var references: Set<String> = []
        func walk(_ value: JSONValue) {
            switch value {
            case .object(let fields):
                if case .string(let target)? = fields["$ref"] { references.insert(target) }
                fields.values.forEach(walk)
            case .array(let elements): elements.forEach(walk)
            default: break
            }
        }
        walk(document)
        #expect(!references.isEmpty)
        for reference in references {
            let parts = reference.split(separator: "/").dropFirst().map(String.init)
            var node: JSONValue? = document
            for part in parts { node = node?[part] }
            #expect(node != nil, "\(reference) does not resolve")
        }
        for route in harness.api.routes {
            #expect(OpenAPISchemas.all[route.responseSchema] != nil, "\(route.operationID) response schema")
            if let request = route.requestSchema { #expect(OpenAPISchemas.all[request] != nil, "\(route.operationID) request schema") }
        }
    }

    /// Every documented path answers (with an operator or admin key): none is "no route".
    @Test func everyDocumentedPathIsRouted() async throws {
        let harness = try GatewayHarness()
        let world = try await World.make(harness)
        let operatorKey = try harness.key(.operator, account: nil)
        let adminKey = try harness.key(.admin, account: world.a.id)
        let document = harness.api.openAPIDocument()
        guard case .object(let paths) = document["paths"] ?? .null else { return }
        try await harness.test { client in
            for (path, operations) in paths {
                guard case .object(let methods) = operations else { continue }
                for method in methods.keys {
                    let route = harness.api.routes.first { $0.path == path && $0.method.rawValue.lowercased() == method }
                    let uri = route.map { world.uri($0, account: world.a.id) } ?? path
                    let response = try await client.send(HTTPRequest.Method(method.uppercased())!, uri, key: route?.roles.contains(.operator) == true ? operatorKey : adminKey)
                    let unrouted = response.status == .notFound && (response.json["error"]?["message"]?.stringValue ?? "").hasPrefix("no route")
                    #expect(!unrouted, "\(method) \(path) is documented but not routed")
                }
            }
            let unrouted = try await client.send(.get, "/api/v1/nothing-here", key: adminKey)
            #expect(unrouted.status == .notFound && unrouted.errorCode == "not_found")
            let wrongMethod = try await client.send(.delete, "/api/v1/health")
            #expect(wrongMethod.status == .notFound && wrongMethod.errorCode == "not_found")
        }
    }
}
