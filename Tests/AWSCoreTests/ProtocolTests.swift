import Foundation
import Testing
@testable import AWSCore

@Suite struct QueryProtocolTests {
    @Test func foldsMembersListsAndMaps() throws {
        let params = FormEncoding.decode(
            "Action=CreateStack&Version=2010-05-15&StackName=s&Tags.member.1.Key=Stage&Tags.member.1.Value=stg"
                + "&Tags.member.2.Key=Project&Tags.member.2.Value=smalruby&Capabilities.member.1=CAPABILITY_IAM&Names.1=a&Names.2=b%20c")
        let input = try QueryProtocol.decodeInput(params, headers: HTTPHeaders())
        #expect(input.members["Action"] == nil)
        #expect(try input.string("StackName") == "s")
        #expect(input["Tags"] == [["Key": "Stage", "Value": "stg"], ["Key": "Project", "Value": "smalruby"]])
        #expect(input["Capabilities"] == ["CAPABILITY_IAM"])
        #expect(input["Names"] == ["a", "b c"])
    }

    @Test func listsOrderedByIndexNotArrival() throws {
        let input = try QueryProtocol.decodeInput([("L.member.2", "two"), ("L.member.1", "one")], headers: HTTPHeaders())
        #expect(input["L"] == ["one", "two"])
    }

    @Test func conflictingParametersAreMalformed() {
        #expect(throws: CommonError.malformedQueryString("Conflicting parameter: A.B")) {
            try QueryProtocol.decodeInput([("A", "x"), ("A.B", "y"), ("A", "z"), ("A.B", "w")].dropFirst(0).map { $0 }, headers: HTTPHeaders())
        } 
    }

    @Test func rendersResultAndErrorXML() {
        let output: JSONValue = ["Account": "123", "List": ["a", "b<"], "When": .timestamp(.init(timeIntervalSince1970: 0))]
        let ok = QueryProtocol.encodeOutput(output, operation: "Op", xmlNamespace: "urn:x", requestID: "r1")
        #expect(String(decoding: ok.body, as: UTF8.self) == """
            <?xml version="1.0" encoding="UTF-8"?>
            <OpResponse xmlns="urn:x"><OpResult><Account>123</Account><List><member>a</member><member>b&lt;</member></List>\
            <When>1970-01-01T00:00:00.000Z</When></OpResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></OpResponse>
            """)
        let error = QueryProtocol.encodeError(CommonError.invalidAction(action: "Nope", version: "2011-06-15"), xmlNamespace: "urn:x", requestID: "r2")
        #expect(error.status == 400)
        #expect(String(decoding: error.body, as: UTF8.self).hasSuffix(
            "<ErrorResponse xmlns=\"urn:x\"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>Could not find operation Nope for version 2011-06-15</Message></Error><RequestId>r2</RequestId></ErrorResponse>"))
    }

    @Test func noOutputShapeHasNoResultElementButEmptyOutputHasOne() {
        let none = QueryProtocol.encodeOutput(.null, operation: "DeleteStack", xmlNamespace: "urn:x", requestID: "r")
        #expect(!String(decoding: none.body, as: UTF8.self).contains("DeleteStackResult"))
        let empty = QueryProtocol.encodeOutput(.object(JSONObject()), operation: "ExecuteChangeSet", xmlNamespace: "urn:x", requestID: "r")
        #expect(String(decoding: empty.body, as: UTF8.self).contains("<ExecuteChangeSetResult></ExecuteChangeSetResult>"))
    }
}

@Suite struct PathTemplateTests {
    @Test func matchesLabelsAndGreedyLabels() {
        #expect(PathTemplate("/v1/apis/{apiId}").match("/v1/apis/abc") == ["apiId": "abc"])
        #expect(PathTemplate("/v1/apis/{apiId}").match("/v1/apis/abc/types") == nil)
        #expect(PathTemplate("/v1/tags/{resourceArn+}").match("/v1/tags/arn%3Aaws%3Aappsync%3Aus-east-1%3A1%3Aapis/x")
            == ["resourceArn": "arn:aws:appsync:us-east-1:1:apis/x"])
        #expect(PathTemplate("/groups-list").match("/groups-list") == [:])
    }

    @Test func literalsAreMoreSpecificThanLabels() {
        #expect(PathTemplate("/v1/apis/{id}/types").specificity > PathTemplate("/v1/apis/{id}/{x}").specificity)
    }
}
