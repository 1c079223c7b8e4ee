import AWSCore
import Foundation
import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore

/// Turns each HTTP request into an ``AWSRequest``, sends it to the sandbox's own endpoints or
/// to the AWS protocol router, and writes the reply with the access-log line.
struct SandboxResponder: Sendable {
    let router: AWSProtocolRouter
    let operational: OperationalEndpoints
    /// Services' own HTTP surfaces (AppSync GraphQL), asked before AWS API routing.
    let endpoints: [any HTTPEndpoint]
    let connections: SecureConnectionRegistry
    let maxBodyBytes: Int
    let logger: Logger

    func respond(to request: Request, writer: consuming ResponseWriter, channel: any Channel) async throws {
        let started = ContinuousClock.now
        let awsRequest: AWSRequest
        var response: AWSResponse
        var service: String?
        var operation: String?
        var requestID = RequestID.make()
        var errorCode: String?
        do {
            awsRequest = try await makeAWSRequest(request, channel: channel)
            if let reply = await operational.respond(to: awsRequest) {
                response = reply
                service = "sandbox"
                response.headers.add("x-amzn-RequestId", requestID)
            } else if let reply = await firstEndpointReply(awsRequest) {
                response = reply
                if response.headers["x-amzn-RequestId"] == nil { response.headers.add("x-amzn-RequestId", requestID) }
            } else {
                let outcome = await router.route(awsRequest)
                (response, service, operation, requestID, errorCode) =
                    (outcome.response, outcome.service, outcome.operation, outcome.requestID, outcome.errorCode)
            }
        } catch let error as BodyTooLarge {
            // Answer in the shape the caller's protocol expects, then drop the connection
            // rather than read the rest of an oversized body.
            let probe = AWSRequest(method: request.method.rawValue, target: request.uri.description, headers: Self.headers(request.head))
            let tooLarge = CommonError.requestEntityTooLarge(limit: error.limit)
            switch AWSProtocolRouter.family(of: probe) {
            case .json: response = JSONProtocol.encodeError(tooLarge, version: "1.0", namespace: nil)
            case .query: response = QueryProtocol.encodeError(tooLarge, xmlNamespace: "https://mesh-sandbox.local/doc/", requestID: requestID)
            case .rest: response = RestJSONProtocol.encodeError(tooLarge)
            }
            response.headers.add("x-amzn-RequestId", requestID)
            response.headers.add("Connection", "close")
            errorCode = tooLarge.code
        }
        let status = response.status
        try await writer.write(response: Self.httpResponse(response), body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
        let elapsed = ContinuousClock.now - started
        logger.log(level: status >= 500 && status != 501 ? .error : .info, "\(request.method.rawValue) \(request.uri.path) \(status)", metadata: [
            "request_id": .string(requestID),
            "service": .string(service ?? "-"),
            "operation": .string(operation ?? "-"),
            "status": .stringConvertible(status),
            "latency_ms": .string(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
            "error": .string(errorCode ?? "-"),
        ])
        if errorCode == CommonError.requestEntityTooLarge(limit: 0).code { try? await channel.close() }
    }

    struct BodyTooLarge: Error { let limit: Int }

    private func firstEndpointReply(_ request: AWSRequest) async -> AWSResponse? {
        for endpoint in endpoints {
            if let reply = await endpoint.respond(to: request) { return reply }
        }
        return nil
    }

    private func makeAWSRequest(_ request: Request, channel: any Channel) async throws -> AWSRequest {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw BodyTooLarge(limit: maxBodyBytes)
        }
        var body: [UInt8] = []
        for try await chunk in request.body {
            guard body.count + chunk.readableBytes <= maxBodyBytes else { throw BodyTooLarge(limit: maxBodyBytes) }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return AWSRequest(method: request.method.rawValue, target: request.head.path ?? "/", headers: Self.headers(request.head),
                          body: body, remoteAddress: channel.remoteAddress?.ipAddress, isSecure: connections.contains(channel))
    }

    static func headers(_ head: HTTPRequest) -> HTTPHeaders {
        var headers = HTTPHeaders(head.headerFields.map { ($0.name.canonicalName, $0.value) })
        if let authority = head.authority, headers["host"] == nil { headers.add("host", authority) }
        return headers
    }

    static func httpResponse(_ response: AWSResponse) -> HTTPResponse {
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        fields[.contentLength] = String(response.body.count)
        return HTTPResponse(status: .init(code: response.status), headerFields: fields)
    }
}
