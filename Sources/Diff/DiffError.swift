public import Kube
public import Manifest

/// Why the cluster could not be compared with git. Every case names the object.
public enum DiffError: Error, Sendable, CustomStringConvertible {
  /// A read the comparison needs failed (list, discovery).
  case api(KubeError, doing: String)
  /// The server serves no such kind and no CRD in the environment defines it.
  case unknownKind(ResourceID)
  /// The server-side dry-run refused objects: nothing may be applied.
  case rejected([Rejection])

  public struct Rejection: Sendable {
    public var id: ResourceID
    public var error: KubeError
  }

  public var description: String {
    switch self {
    case .api(let error, let doing): return "\(doing): \(error)"
    case .unknownKind(let id):
      return "\(id): no matches for kind \"\(id.gvk.kind)\" in version \"\(id.gvk.apiVersion)\" (is its CRD installed?)"
    case .rejected(let rejections):
      let lines = rejections.map { rejection -> String in
        var line = "\(rejection.id): \(rejection.error)"
        if case .status(let status) = rejection.error, let causes = status.details?.causes, !causes.isEmpty,
          !causes.allSatisfy({ line.contains($0.field) })
        {
          line += " (" + causes.map { "\($0.field): \($0.message)" }.joined(separator: "; ") + ")"
        }
        return line
      }
      let noun = rejections.count == 1 ? "object" : "objects"
      return "the server rejected \(rejections.count) \(noun) in a dry run; nothing was applied:\n  " + lines.joined(separator: "\n  ")
    }
  }
}
