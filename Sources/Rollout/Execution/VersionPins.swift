public import Manifest

/// What identifies the version a Deployment runs, for freezing a version that was rolled back:
/// its containers' images and the ConfigMaps and Secrets its pods read (generated ones carry a
/// content hash in their name, so a changed `MODEL_REVISION` literal is a different pin).
public enum VersionPins {
  public static func of(_ deployment: Value) -> [String] {
    let spec = deployment[path: ["spec", "template", "spec"]] ?? [:]
    var pins: Set<String> = []
    for list in ["initContainers", "containers"] {
      for container in spec[list]?.arrayValue ?? [] {
        if let image = container["image"]?.stringValue { pins.insert("image \(image)") }
        for source in container["envFrom"]?.arrayValue ?? [] {
          if let name = source[path: ["configMapRef", "name"]]?.stringValue { pins.insert("configmap \(name)") }
          if let name = source[path: ["secretRef", "name"]]?.stringValue { pins.insert("secret \(name)") }
        }
        for env in container["env"]?.arrayValue ?? [] {
          if let name = env[path: ["valueFrom", "configMapKeyRef", "name"]]?.stringValue { pins.insert("configmap \(name)") }
          if let name = env[path: ["valueFrom", "secretKeyRef", "name"]]?.stringValue { pins.insert("secret \(name)") }
        }
      }
    }
    for volume in spec["volumes"]?.arrayValue ?? [] {
      if let name = volume[path: ["configMap", "name"]]?.stringValue { pins.insert("configmap \(name)") }
      if let name = volume[path: ["secret", "secretName"]]?.stringValue { pins.insert("secret \(name)") }
    }
    return pins.sorted()
  }

  /// `llm/vllm`: how records key a Deployment's frozen pins.
  public static func key(_ id: ResourceID) -> String { "\(id.namespace ?? "default")/\(id.name)" }
}
