internal import Hashing

/// What a container runtime reports as a container's `imageID`: the repository, normalized as
/// containerd writes it (`docker.io/` for Docker Hub, `library/` for its one-word names), and
/// the content digest the reference resolved to, e.g.
/// `docker.io/vllm/vllm-openai@sha256:<64 hex>`.
///
/// A reference that carries `@sha256:…` resolves to that digest, as a runtime pulls by digest
/// and ignores the tag. A tag resolves to what the scenario's `imageDigests` declares for it,
/// else to a digest derived from the normalized reference: the same tag yields the same digest
/// in every cluster, as one registry would serve it, and a scenario can move a tag (declare
/// another digest for it) to show what a mutable tag does to a promotion.
enum ImageDigest {
  static func imageID(of image: String, node: String, declared: [Scenario.DeclaredDigest]) -> String {
    let reference = ImageReference(image)
    let tagged = reference.taggedName
    let onNode = declared.first { $0.image == tagged && $0.nodes.contains(node) }
    let anywhere = declared.first { $0.image == tagged && $0.nodes.isEmpty }
    let digest = reference.digest ?? (onNode ?? anywhere)?.digest ?? derived(tagged)
    return reference.repository + "@" + digest
  }

  static func derived(_ taggedName: String) -> String {
    "sha256:" + Hash.hex(Hash.sha256(Array(taggedName.utf8)))
  }

  /// `sha256:` and 64 lowercase hex digits: the only digest form the scenario accepts.
  static func isDigest(_ text: String) -> Bool {
    guard text.hasPrefix("sha256:") else { return false }
    let hex = text.dropFirst("sha256:".count)
    return hex.count == 64 && hex.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
  }
}

/// An image reference split as a runtime reads it: registry/repository, tag, digest.
struct ImageReference: Equatable {
  /// Fully qualified: `docker.io/vllm/vllm-openai`, `registry.example.com:5000/team/app`.
  var repository: String
  var tag: String?
  var digest: String?

  init(_ image: String) {
    var rest = Substring(image)
    if let at = rest.firstIndex(of: "@") {
      digest = String(rest[rest.index(after: at)...])
      rest = rest[..<at]
    }
    // A `:` after the last `/` starts the tag; one before it belongs to a registry's port.
    let lastSlash = rest.lastIndex(of: "/") ?? rest.startIndex
    if let colon = rest[lastSlash...].lastIndex(of: ":") {
      tag = String(rest[rest.index(after: colon)...])
      rest = rest[..<colon]
    }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    let first = components.first ?? ""
    let hasRegistry = components.count > 1 && (first.contains(".") || first.contains(":") || first == "localhost")
    if !hasRegistry {
      if components.count == 1 { components.insert("library", at: 0) }
      components.insert("docker.io", at: 0)
    }
    repository = components.joined(separator: "/")
  }

  /// `docker.io/vllm/vllm-openai:v0.6.3`; no tag reads as `latest`, as a pull does.
  var taggedName: String { repository + ":" + (tag ?? "latest") }
}
