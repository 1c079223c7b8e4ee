import Testing
@testable import AWSCore

@Suite struct SigV4Tests {
    @Test func parsesAuthorizationHeader() throws {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
        let credential = try SigV4Credential.parse(authorization: header)
        #expect(credential == SigV4Credential(accessKeyID: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "sts",
                                              signedHeaders: ["host", "x-amz-date"], signature: "abc"))
    }

    @Test func otherSchemesAreNotSigV4() {
        #expect(throws: SigV4Credential.ParseError.notSigV4) { try SigV4Credential.parse(authorization: "Bearer xyz") }
    }

    @Test func malformedScopeIsReported() {
        #expect(throws: SigV4Credential.ParseError.malformed("Credential should be scoped to a valid region. ")) {
            try SigV4Credential.parse(authorization: "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1, SignedHeaders=host, Signature=x")
        }
    }

    /// The `get-vanilla` case of AWS's published SigV4 test suite.
    @Test func matchesAWSTestSuiteVector() throws {
        let request = AWSRequest(method: "GET", target: "/", headers: HTTPHeaders([("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]))
        let credential = SigV4Credential(accessKeyID: "AKIDEXAMPLE", date: "20150830", region: "us-east-1", service: "service",
                                         signedHeaders: ["host", "x-amz-date"],
                                         signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        let verifier = SigV4Verifier()
        #expect(verifier.canonicalRequest(request, credential: credential) == """
            GET
            /

            host:example.amazonaws.com
            x-amz-date:20150830T123600Z

            host;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        #expect(verifier.isValid(request, credential: credential, secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
        #expect(!verifier.isValid(request, credential: credential, secretKey: "wrong"))
    }

    @Test func accountMapping() {
        let auth = AuthConfiguration(accessKeys: ["AKIAKNOWN": .init(secretAccessKey: "s", accountID: "111111111111")])
        #expect(auth.accountID(forAccessKey: nil) == "123456789012")
        #expect(auth.accountID(forAccessKey: "test") == "123456789012")
        #expect(auth.accountID(forAccessKey: "AKIAKNOWN") == "111111111111")
        #expect(auth.accountID(forAccessKey: "000000000042") == "000000000042")
    }
}
