internal import Foundation
import Manifest

/// `images`: rewrites container images by name to a new name, tag, digest or tag suffix.
/// As kustomize v5.5 does, each entry runs on its own, in order (so a later entry sees an
/// earlier one's new name), over every object but CustomResourceDefinitions: first every
/// `containers`/`initContainers` list at any depth — custom resources included — then the
/// images field specs once more. The second pass is kustomize's, not a slip: on those paths
/// a `tagSuffix` is appended twice, and kubectl prints it so.
public struct ImageTransformer: Sendable {
  public var overrides: [Kustomization.ImageOverride]
  /// The kustomization, named in errors.
  public var file: String

  public init(overrides: [Kustomization.ImageOverride], file: String = "kustomization.yaml") {
    self.overrides = overrides
    self.file = file
  }

  /// kustomize's `images` field specs (api/internal/konfig/builtinpluginconsts/images.go, v5.5).
  static let specs: [FieldSpec] = [
    FieldSpec("spec/containers[]/image"), FieldSpec("spec/initContainers[]/image"),
    FieldSpec("spec/template/spec/containers[]/image"), FieldSpec("spec/template/spec/initContainers[]/image"),
  ]

  static let containerFields: Set<String> = ["containers", "initContainers"]

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    for (position, override) in overrides.enumerated() {
      let matcher = try ImageMatcher(name: override.name, file: file, field: "images[\(position)].name")
      let update = { (image: String) -> String? in
        matcher.matches(image) ? ImageReference.rewrite(image, with: override) : nil
      }
      for index in resources.indices where resources[index].object.kind != "CustomResourceDefinition" {
        Self.updateContainerLists(&resources[index].object, update)
        for spec in Self.specs {
          try spec.visit(&resources[index].object) { value throws(RenderError) in
            if let image = value.stringValue, let updated = update(image) { value = .string(updated) }
          }
        }
      }
    }
  }

  /// Updates `image` of every element of every containers/initContainers list under `value`.
  /// Returns whether anything changed, so unchanged subtrees are not copied back.
  @discardableResult
  static func updateContainerLists(_ value: inout Value, _ update: (String) -> String?) -> Bool {
    switch value {
    case .object(var object):
      var changed = false
      for key in object.keys {
        guard var child = object[key] else { continue }
        var childChanged = updateContainerLists(&child, update)
        if containerFields.contains(key), case .array(var items) = child {
          for i in items.indices {
            if let image = items[i]["image"]?.stringValue, let updated = update(image), updated != image {
              items[i]["image"] = .string(updated)
              childChanged = true
            }
          }
          child = .array(items)
        }
        if childChanged {
          object[key] = child
          changed = true
        }
      }
      if changed { value = .object(object) }
      return changed
    case .array(var items):
      var changed = false
      for i in items.indices where updateContainerLists(&items[i], update) { changed = true }
      if changed { value = .array(items) }
      return changed
    default:
      return false
    }
  }
}

/// kustomize's image match: the entry's name *as a regular expression*, then an optional tag
/// of `[a-zA-Z0-9_.{}-]` and an optional `@sha256:` digest. Kept as a regex, not a string
/// compare, because that is what decides which images kustomize rewrites (`{{tag}}` templates
/// match, an `@sha512:` digest does not).
struct ImageMatcher {
  let pattern: NSRegularExpression

  init(name: String, file: String, field: String) throws(RenderError) {
    do {
      pattern = try NSRegularExpression(pattern: "^" + name + "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$")
    } catch {
      throw RenderError(file: file, field: field, message: "\(name) is not a valid image name pattern: \(error)")
    }
  }

  func matches(_ image: String) -> Bool {
    pattern.firstMatch(in: image, range: NSRange(image.startIndex..., in: image)) != nil
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
    } else if let suffix = override.tagSuffix, !suffix.isEmpty {
      tag += suffix
      digest = ""
    }
    var result = name
    if !tag.isEmpty { result += ":" + tag }
    if !digest.isEmpty { result += "@" + digest }
    return result
  }
}
