/// restJson: an operation per method + path; JSON bodies; errors named by `x-amzn-ErrorType`.
public enum RestJSONProtocol {
    public static let contentType = "application/json"

    /// Input members: the JSON body's members, then the path labels, then query parameters
    /// (under their wire names), the first source winning.
    public static func decodeInput(_ request: AWSRequest, labels: [String: String], limits: JSONParser.Limits) throws -> OperationInput {
        var members = try JSONProtocol.bodyObject(request.body, limits: limits)
        for (k, v) in labels.sorted(by: { $0.key < $1.key }) where members[k] == nil { members[k] = .string(v) }
        for (k, v) in request.queryItems where members[k] == nil { members[k] = .string(v) }
        return OperationInput(members: members, headers: request.headers)
    }

    public static func encodeOutput(_ output: JSONValue, status: Int) -> AWSResponse {
        if status == 204 { return AWSResponse(status: 204) }
        return AWSResponse.json(output == .null ? .object(JSONObject()) : output, status: status, contentType: contentType)
    }

    public static func encodeError(_ error: any AWSError) -> AWSResponse {
        var body = JSONObject()
        body["message"] = .string(error.message)
        for (k, v) in error.additionalFields { body[k] = v }
        var response = AWSResponse.json(.object(body), status: error.httpStatus, contentType: contentType)
        response.headers.add("x-amzn-ErrorType", error.code)
        return response
    }
}
