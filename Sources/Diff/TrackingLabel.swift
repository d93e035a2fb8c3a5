public import Manifest

/// The label that marks an object as applied by `release` for one environment. Metadata only:
/// never added to selectors or pod templates, so tracking never changes what a controller selects.
public enum TrackingLabel {
  public static let key = "release.dev/environment"

  public static func selector(environment: String) -> String { "\(key)=\(environment)" }

  public static func adding(_ environment: String, to object: Value) -> Value {
    var copy = object
    copy[path: ["metadata", "labels", key]] = .string(environment)
    return copy
  }

  public static func environment(of object: Value) -> String? {
    object[path: ["metadata", "labels", key]]?.stringValue
  }
}
