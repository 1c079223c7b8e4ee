/// awsJson 1.0 / 1.1: JSON bodies in and out, errors as `{"__type": …, "message": …}`.
public enum JSONProtocol {
    public static func contentType(version: String) -> String { "application/x-amz-json-\(version)" }

    /// Parses a request body into operation input. An empty body counts as `{}`, as AWS accepts.
    public static func decodeInput(_ request: AWSRequest, limits: JSONParser.Limits) throws -> OperationInput {
        OperationInput(members: try bodyObject(request.body, limits: limits), headers: request.headers)
    }

    /// A request body as a JSON object (blank → empty), or the SerializationException AWS answers.
    /// Shared by awsJson and restJson.
    static func bodyObject(_ body: [UInt8], limits: JSONParser.Limits) throws -> JSONObject {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return JSONObject() }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: limits)
        } catch {
            throw CommonError.serialization(error.description)
        }
        guard case .object(let object) = value else {
            throw CommonError.serialization("Request body must be a JSON object, got \(value.kindName)")
        }
        return object
    }

    public static func encodeOutput(_ output: JSONValue, version: String) -> AWSResponse {
        AWSResponse.json(output == .null ? .object(JSONObject()) : output, contentType: contentType(version: version))
    }

    public static func encodeError(_ error: any AWSError, version: String, namespace: String?) -> AWSResponse {
        var body = JSONObject()
        body["__type"] = .string((error.typeNamespace ?? namespace ?? "") + error.code)
        body["message"] = .string(error.message)
        for (k, v) in error.additionalFields { body[k] = v }
        var response = AWSResponse.json(.object(body), status: error.httpStatus, contentType: contentType(version: version))
        response.headers.add("x-amzn-ErrorType", error.code)
        return response
    }
}
