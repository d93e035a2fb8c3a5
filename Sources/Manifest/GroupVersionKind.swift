/// The type of a Kubernetes object. `group` is empty for the core group (`v1`).
public struct GroupVersionKind: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var group: String
  public var version: String
  public var kind: String

  public init(group: String, version: String, kind: String) {
    self.group = group
    self.version = version
    self.kind = kind
  }

  /// Parses `apiVersion` as written in an object: `v1` or `apps/v1`.
  public init(apiVersion: String, kind: String) {
    if let slash = apiVersion.firstIndex(of: "/") {
      group = String(apiVersion[..<slash])
      version = String(apiVersion[apiVersion.index(after: slash)...])
    } else {
      group = ""
      version = apiVersion
    }
    self.kind = kind
  }

  public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

  public var description: String { "\(apiVersion), Kind=\(kind)" }

  public static func < (a: Self, b: Self) -> Bool {
    (a.group, a.version, a.kind) < (b.group, b.version, b.kind)
  }
}
