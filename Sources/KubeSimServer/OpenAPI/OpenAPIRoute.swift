import Kube
import Manifest
import Synchronization

/// `/openapi/v2` and `/openapi/v3[/…]`. The documents are large (every definition is about a
/// megabyte of JSON) and fixed for the server's life, so each is encoded once and kept.
struct OpenAPIRoute: Sendable {
  let documents: OpenAPIDocuments
  private let cache = EncodedDocuments()

  init(discovery: Discovery) { documents = OpenAPIDocuments(discovery: discovery) }

  /// nil when the path names no document.
  func answer(_ rest: [String], accept: String) -> APIResponse? {
    switch (rest.first, rest.count) {
    case ("v2", 1):
      if Self.prefersProtobuf(accept) {
        let bytes = cache.bytes("v2.pb") { OpenAPIv2Protobuf.document(documents.v2) }
        return .bytes(bytes, contentType: OpenAPIv2Protobuf.contentType)
      }
      return .bytes(cache.bytes("v2.json") { Array(JSON.string(documents.v2).utf8) }, contentType: "application/json")
    case ("v3", 1):
      return .json(status: 200, body: documents.v3Root)
    case ("v3", 3) where rest[1] == "api":
      return v3(group: "", version: rest[2])
    case ("v3", 4) where rest[1] == "apis":
      return v3(group: rest[2], version: rest[3])
    default:
      return nil
    }
  }

  private func v3(group: String, version: String) -> APIResponse? {
    guard !documents.discovery.served(group: group, version: version).isEmpty else { return nil }
    let key = OpenAPIDocuments.v3Key(group: group, version: version)
    let bytes = cache.bytes(key) { documents.v3(group: group, version: version).map { Array(JSON.string($0).utf8) } ?? [] }
    return .bytes(bytes, contentType: "application/json")
  }

  /// kubectl asks for gnostic's protobuf alone; other clients name JSON or nothing. The first
  /// media type listed that this server can give wins.
  static func prefersProtobuf(_ accept: String) -> Bool {
    for part in accept.split(separator: ",") {
      let type = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
      if OpenAPIv2Protobuf.acceptedTypes.contains(type) { return true }
      if type == "application/json" || type == "*/*" || type == "application/*" { return false }
    }
    return false
  }
}

/// Encoded documents by key, built on first request.
final class EncodedDocuments: Sendable {
  private let documents = Mutex<[String: [UInt8]]>([:])

  func bytes(_ key: String, build: () -> [UInt8]) -> [UInt8] {
    if let known = documents.withLock({ $0[key] }) { return known }
    let built = build()
    documents.withLock { $0[key] = built }
    return built
  }
}
