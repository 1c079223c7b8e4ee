import Foundation
import Testing
@testable import AWSCore

/// A fake service that speaks every protocol, so routing is tested without a real service.
struct EchoService: AWSService {
    var signingName = "echo"
    var bindings: [ProtocolBinding] = [
        .json(version: "1.1", targetPrefix: "Echo_20200101", errorNamespace: "com.example#"),
        .query(version: "2020-01-01", xmlNamespace: "urn:echo"),
        .restJSON,
    ]
    var operations: [AWSOperation] {
        [
            AWSOperation("Echo", route: RestRoute("POST", "/echo/{name}", successStatus: 201)) { input, context in
                var out = input.members
                out["Account"] = .string(context.accountID)
                out["Region"] = .string(context.region)
                return .object(out)
            },
            AWSOperation("Fail", route: RestRoute("GET", "/fail")) { _, _ in throw EchoError.notFound },
            AWSOperation("Crash", route: RestRoute("GET", "/crash")) { _, _ in throw CancellationError() },
        ]
    }
}

enum EchoError: AWSError {
    case notFound
    var code: String { "ResourceNotFoundException" }
    var message: String { "Nothing here" }
    var httpStatus: Int { 404 }
    var additionalFields: JSONObject { ["Extra": "x"] }
}

@Suite struct RouterTests {
    let router = AWSProtocolRouter(services: [EchoService()])
    let auth = "AWS4-HMAC-SHA256 Credential=AKID/20261129/eu-west-1/echo/aws4_request, SignedHeaders=host, Signature=00"

    func json(_ target: String, _ body: String) -> AWSRequest {
        AWSRequest(method: "POST", target: "/", headers: HTTPHeaders([("X-Amz-Target", target), ("Content-Type", "application/x-amz-json-1.1"),
                                                                      ("Authorization", auth)]), body: Array(body.utf8))
    }

    func body(_ outcome: AWSProtocolRouter.Outcome) -> String { String(decoding: outcome.response.body, as: UTF8.self) }

    @Test func routesAWSJSONByTarget() async {
        let outcome = await router.route(json("Echo_20200101.Echo", #"{"A":1}"#))
        #expect(outcome.response.status == 200)
        #expect(body(outcome) == #"{"A":1,"Account":"123456789012","Region":"eu-west-1"}"#)
        #expect(outcome.response.headers["content-type"] == "application/x-amz-json-1.1")
        #expect(outcome.response.headers["x-amzn-RequestId"] == outcome.requestID)
        #expect(outcome.operation == "Echo")
    }

    @Test func jsonErrorEnvelope() async {
        let failed = await router.route(json("Echo_20200101.Fail", "{}"))
        #expect(failed.response.status == 404)
        #expect(body(failed) == #"{"__type":"com.example#ResourceNotFoundException","message":"Nothing here","Extra":"x"}"#)
        let unknown = await router.route(json("Echo_20200101.Nope", "{}"))
        #expect(unknown.response.status == 400)
        #expect(body(unknown).hasPrefix(#"{"__type":"com.amazon.coral.service#UnknownOperationException","message":"Operation Nope is not supported"#))
        let malformed = await router.route(json("Echo_20200101.Echo", "{not json"))
        #expect(body(malformed) == #"{"__type":"com.amazon.coral.service#SerializationException","message":"Unexpected character 'n' at offset 1"}"#)
        let noService = await router.route(json("Other_1.Op", "{}"))
        #expect(noService.response.status == 501)
    }

    @Test func nonAWSErrorsBecomeInternalFailure() async {
        let outcome = await router.route(AWSRequest(method: "GET", target: "/crash"))
        #expect(outcome.response.status == 500)
        #expect(outcome.response.headers["x-amzn-ErrorType"] == "InternalFailure")
    }

    @Test func routesAWSQueryByAction() async {
        let request = AWSRequest(method: "POST", target: "/", headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")]),
                                 body: Array("Action=Echo&Version=2020-01-01&Name=x".utf8))
        let outcome = await router.route(request)
        #expect(outcome.response.status == 200)
        #expect(body(outcome).contains("<EchoResponse xmlns=\"urn:echo\"><EchoResult><Name>x</Name><Account>123456789012</Account>"))
        let bad = AWSRequest(method: "POST", target: "/", headers: HTTPHeaders([("Content-Type", "application/x-www-form-urlencoded")]),
                             body: Array("Action=Nope&Version=2020-01-01".utf8))
        let badOutcome = await router.route(bad)
        #expect(badOutcome.response.status == 400)
        #expect(body(badOutcome).contains("<Code>InvalidAction</Code><Message>Could not find operation Nope for version 2020-01-01</Message>"))
    }

    @Test func routesRestJSONByMethodAndPath() async {
        let request = AWSRequest(method: "POST", target: "/echo/some%20name?q=1", headers: HTTPHeaders([("Authorization", auth)]),
                                 body: Array(#"{"B":true}"#.utf8))
        let outcome = await router.route(request)
        #expect(outcome.response.status == 201)
        #expect(body(outcome) == #"{"B":true,"name":"some name","q":"1","Account":"123456789012","Region":"eu-west-1"}"#)
        let wrongMethod = await router.route(AWSRequest(method: "GET", target: "/echo/x"))
        #expect(wrongMethod.response.status == 400)
        #expect(wrongMethod.response.headers["x-amzn-ErrorType"] == "UnknownOperationException")
        let failed = await router.route(AWSRequest(method: "GET", target: "/fail"))
        #expect(failed.response.headers["x-amzn-ErrorType"] == "ResourceNotFoundException")
        #expect(body(failed) == #"{"message":"Nothing here","Extra":"x"}"#)
        let unknown = await router.route(AWSRequest(method: "GET", target: "/nothing/here"))
        #expect(unknown.response.status == 501)
        #expect(unknown.response.headers["x-amzn-ErrorType"] == "NotImplemented")
    }

    @Test func strictModeChecksSignatures() async {
        let strict = AWSProtocolRouter(services: [EchoService()], auth: AuthConfiguration(
            verifySignatures: true, accessKeys: ["AKID": .init(secretAccessKey: "secret", accountID: "111111111111")]))
        let unsigned = await strict.route(AWSRequest(method: "POST", target: "/", headers: HTTPHeaders([("X-Amz-Target", "Echo_20200101.Echo")])))
        #expect(unsigned.response.status == 403)
        #expect(body(unsigned).contains("MissingAuthenticationTokenException"))
        let badSignature = await strict.route(json("Echo_20200101.Echo", "{}"))
        #expect(badSignature.response.status == 403)
        #expect(body(badSignature).contains("#InvalidSignatureException\",\"message\":\"The request signature we calculated does not match"))
        var unknownKey = json("Echo_20200101.Echo", "{}")
        unknownKey.headers.replace("Authorization", auth.replacingOccurrences(of: "AKID/", with: "OTHER/"))
        #expect(body(await strict.route(unknownKey)).contains("UnrecognizedClientException"))
    }
}
