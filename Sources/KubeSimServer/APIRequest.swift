import Foundation

/// One HTTP request as the API layer sees it: method, decoded path segments and query, the
/// headers it reads, and the whole body.
struct APIRequest: Sendable {
  var method: String
  /// As the client sent it, path and query, for messages that quote the request.
  var uri: String
  var path: String
  var query: [String: String]
  /// Lowercased names; a header sent more than once keeps its last value here and every
  /// value in `headerValues` (`Impersonate-Group` is one header per group).
  var headers: [String: String]
  var headerValues: [String: [String]]
  var body: [UInt8]

  init(method: String, uri: String, headers: [(String, String)], body: [UInt8]) {
    self.method = method
    self.uri = uri
    let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    path = parts.first.map { String($0).removingPercentEncoding ?? String($0) } ?? "/"
    var query: [String: String] = [:]
    if parts.count > 1 {
      for pair in parts[1].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = Self.decode(kv[0])
        query[key] = kv.count > 1 ? Self.decode(kv[1]) : ""
      }
    }
    self.query = query
    var lowered: [String: String] = [:]
    var all: [String: [String]] = [:]
    for (name, value) in headers {
      lowered[name.lowercased()] = value
      all[name.lowercased(), default: []].append(value)
    }
    self.headers = lowered
    headerValues = all
    self.body = body
  }

  static func decode(_ text: Substring) -> String {
    let spaced = text.replacingOccurrences(of: "+", with: " ")
    return spaced.removingPercentEncoding ?? spaced
  }

  var segments: [String] { path.split(separator: "/").map(String.init) }

  var contentType: String { (headers["content-type"] ?? "application/json").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }

  /// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, as `kubectl get` asks for.
  var wantsTable: Bool { (headers["accept"] ?? "").contains("as=Table") }

  var wantsAggregatedDiscovery: Bool { Discovery.wantsAggregated(accept: headers["accept"] ?? "") }

  func flag(_ name: String) -> Bool {
    guard let value = query[name] else { return false }
    return value == "" || value == "1" || value.lowercased() == "true"
  }

  func int(_ name: String) -> Int? { query[name].flatMap { Int($0) } }

  var bearerToken: String? {
    guard let header = headers["authorization"], header.lowercased().hasPrefix("bearer ") else { return nil }
    return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
  }
}
