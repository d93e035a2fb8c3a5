import Foundation
import KubeSimServer

/// Raw HTTP requests with the system `curl`, for what kubectl does not show: streaming,
/// headers, status codes. `-N` turns off curl's buffering so a watch's lines arrive as sent.
enum Curl {
  struct Response: Sendable {
    var exitCode: Int32
    var output: String

    /// Non-empty lines of the body (with `-i`, headers come first).
    var lines: [String] { output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty } }
  }

  static func run(_ endpoint: ServerEndpoint, _ path: String, token: String?, extra: [String] = []) async throws -> Response {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    var arguments = ["-s", "-N"]
    if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
    if let ca = endpoint.caPEM {
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("kubesim-ca-\(UUID().uuidString).pem")
      try ca.write(to: file, atomically: true, encoding: .utf8)
      arguments += ["--cacert", file.path]
    }
    process.arguments = arguments + extra + [endpoint.url + path]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = await Kubectl.offPool { out.fileHandleForReading.readDataToEndOfFile() }
    await Kubectl.offPool { process.waitUntilExit() }
    return Response(exitCode: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
  }
}
