internal import Diff
internal import Manifest

/// `latest` or no tag at all: the version running is not the version in git.
public struct ImageTagRule: LintRule {
  public let id = "image-tag"
  public let severity = LintSeverity.error
  public let summary = "an image tagged latest or not tagged (no version pinned)"

  public init() {}

  public func check(_ input: LintInput) -> [LintFinding] {
    input.workloads.flatMap { workload in
      workload.containers.compactMap { container -> LintFinding? in
        let image = container.value["image"]?.stringValue ?? ""
        guard let problem = Self.problem(image) else { return nil }
        return finding(
          workload.id, container.field.appending(.key("image")),
          message: "container \(container.name): \(problem)",
          why: "latest moves: pods started later (a rescheduled pod, an HPA scale-up) can run another build than their siblings, "
            + "a push changes nothing in git so release neither sees nor rolls it out, and a rollback cannot name the version to return to",
          fix:
            "pin a version: a tag or digest in the environment's kustomization.yaml `images:` (newTag, digest), "
              + "e.g. \(Self.name(image)):v1.2.3"
        )
      }
    }
  }

  /// What is wrong with an image reference, or nil when a tag other than latest or a digest pins it.
  static func problem(_ image: String) -> String? {
    if image.isEmpty { return "no image (the tag cannot be pinned)" }
    if image.contains("@") { return nil }
    let tag = Self.tag(image)
    switch tag {
    case nil, "": return "image \(image) has no tag, so it means \(name(image)):latest"
    case "latest": return "image \(image) uses the tag latest"
    default: return nil
    }
  }

  /// The tag after the last `:` of the last path component (a registry port is not a tag).
  static func tag(_ image: String) -> Substring? {
    let nameStart = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
    guard let colon = image[nameStart...].lastIndex(of: ":") else { return nil }
    return image[image.index(after: colon)...]
  }

  /// The image without its tag.
  static func name(_ image: String) -> String {
    let nameStart = image.lastIndex(of: "/").map { image.index(after: $0) } ?? image.startIndex
    guard let colon = image[nameStart...].lastIndex(of: ":") else { return image }
    return String(image[..<colon])
  }
}
