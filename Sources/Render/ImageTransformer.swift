import Manifest

/// `images`: rewrites container images by name — in containers and initContainers of pods,
/// pod templates and CronJob job templates — to a new name, tag or digest.
public struct ImageTransformer: Sendable {
  public var overrides: [Kustomization.ImageOverride]

  public init(overrides: [Kustomization.ImageOverride]) { self.overrides = overrides }

  static let specs: [FieldSpec] = ["containers", "initContainers"].flatMap { list in
    [
      FieldSpec("spec/\(list)[]/image"),
      FieldSpec("spec/template/spec/\(list)[]/image"),
      FieldSpec("spec/jobTemplate/spec/template/spec/\(list)[]/image"),
    ]
  }

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    guard !overrides.isEmpty else { return }
    for index in resources.indices {
      for spec in Self.specs {
        try spec.visit(&resources[index].object) { value throws(RenderError) in
          guard let image = value.stringValue else { return }
          for override in overrides where ImageReference.matches(image, name: override.name) {
            value = .string(ImageReference.rewrite(image, with: override))
            return
          }
        }
      }
    }
  }
}

/// Image strings as kustomize splits them: `registry:5000/team/app:tag@sha256:…`.
enum ImageReference {
  /// Name, tag and digest; a `:` before the first `/` belongs to a registry port.
  static func split(_ image: String) -> (name: String, tag: String, digest: String) {
    let firstSlash = image.firstIndex(of: "/")
    let searchStart = firstSlash ?? image.startIndex
    let search = image[searchStart...]
    let at = search.firstIndex(of: "@")
    let colon = search.firstIndex(of: ":")
    switch (colon, at) {
    case (nil, nil):
      return (image, "", "")
    case (_, let at?) where colon == nil || at < colon!:
      return (String(image[..<at]), "", String(image[image.index(after: at)...]))
    case (let colon?, let at?):
      return (
        String(image[..<colon]), String(image[image.index(after: colon)..<at]),
        String(image[image.index(after: at)...])
      )
    case (let colon?, nil):
      return (String(image[..<colon]), String(image[image.index(after: colon)...]), "")
    default:
      return (image, "", "")
    }
  }

  /// An override applies when the image's name (without tag or digest) is its `name`.
  static func matches(_ image: String, name: String) -> Bool {
    split(image).name == name
  }

  static func rewrite(_ image: String, with override: Kustomization.ImageOverride) -> String {
    var (name, tag, digest) = split(image)
    if let newName = override.newName, !newName.isEmpty { name = newName }
    let newTag = override.newTag ?? ""
    let newDigest = override.digest ?? ""
    if !newTag.isEmpty && !newDigest.isEmpty {
      tag = newTag
      digest = newDigest
    } else if !newTag.isEmpty {
      tag = newTag
      digest = ""
    } else if !newDigest.isEmpty {
      digest = newDigest
      tag = ""
    }
    var result = name
    if !tag.isEmpty { result += ":" + tag }
    if !digest.isEmpty { result += "@" + digest }
    return result
  }
}
