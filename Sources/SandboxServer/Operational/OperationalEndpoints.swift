import AWSCore
import Foundation
import SandboxStorage

/// The sandbox's own endpoints, under the reserved `/_sandbox/` prefix (no AWS API uses it):
///
/// - `GET /` and `GET /_sandbox/health`: JSON status (harnesses poll these);
/// - `GET /_sandbox/ca.pem`: the CA certificate to trust;
/// - `POST /_sandbox/reset`: wipe all service state, keep the CA and the instance identity.
struct OperationalEndpoints: Sendable {
    static let prefix = "/_sandbox/"

    let state: SandboxState
    let certificateAuthority: LocalCertificateAuthority
    let serviceNames: [String]

    func respond(to request: AWSRequest) async -> AWSResponse? {
        let path = request.rawPath
        if path == "/" || path.isEmpty {
            // A bare GET/HEAD of the root is a liveness probe; a POST to / is an AWS call.
            guard request.method == "GET" || request.method == "HEAD" else { return nil }
            return .json(["status": "running", "service": "mesh-sandbox", "version": .string(SandboxVersion.current)])
        }
        guard path.hasPrefix(Self.prefix) else { return nil }
        switch (request.method, String(path.dropFirst(Self.prefix.count))) {
        case ("GET", "health"), ("HEAD", "health"):
            return .json(.object(health()))
        case ("GET", "ca.pem"):
            return .text(certificateAuthority.certificatePEM, contentType: "application/x-pem-file")
        case ("POST", "reset"):
            do {
                try await state.reset()
                return .json(["reset": true])
            } catch {
                return .json(["message": .string("Reset failed: \(error)")], status: 500)
            }
        default:
            return .json(["message": .string("No sandbox endpoint \(request.method) \(path). Known: GET /_sandbox/health, GET /_sandbox/ca.pem, POST /_sandbox/reset.")],
                         status: 404)
        }
    }

    private func health() -> JSONObject {
        var body = JSONObject()
        body["status"] = "running"
        body["ready"] = true
        body["version"] = .string(SandboxVersion.current)
        body["uptimeSeconds"] = .double((Date().timeIntervalSince(state.startedAt) * 1000).rounded() / 1000)
        body["instanceId"] = .string(state.identity.instanceID)
        body["startCount"] = .int(state.identity.startCount)
        body["persistent"] = .bool(state.database.path != nil)
        body["dataDirectory"] = .string(state.dataDirectory)
        body["caCertificate"] = .string(certificateAuthority.certificatePath)
        body["services"] = .array(serviceNames.map { .string($0) })
        return body
    }
}

public enum SandboxVersion {
    public static let current = "0.1.0"
}
