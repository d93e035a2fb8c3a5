internal import ReleaseKit
internal import Manifest

/// Formats rendered objects. YAML is `kubectl kustomize`'s stream; with several environments
/// each group starts with a `# environment: NAME` comment. JSON is a v1 List per environment.
struct RenderOutput {
  var format: OutputFormat
  var grouped: Bool

  func format(_ renders: [EnvironmentRender]) -> String {
    switch format {
    case .json:
      if grouped {
        let groups: [Value] = renders.map { ["environment": .string($0.name), "list": list($0.objects)] }
        return JSON.prettyString(["environments": .array(groups)]) + "\n"
      }
      return JSON.prettyString(list(renders.first?.objects ?? [])) + "\n"
    case .yaml, .text:
      guard grouped else { return YAMLWriter.documents(renders.first?.objects ?? []) }
      return renders.map { "# environment: \($0.name)\n" + YAMLWriter.documents($0.objects) }
        .joined(separator: "---\n")
    }
  }

  private func list(_ objects: [Value]) -> Value {
    ["apiVersion": "v1", "kind": "List", "items": .array(objects)]
  }
}
