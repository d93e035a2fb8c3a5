import Manifest
import OrderedCollections

/// kustomize holds an object's annotations as YAML nodes through a build and, at its end,
/// rewrites them as a map of each node's text, dropping the map when it is empty. So an
/// annotation keeps the spelling it was written with (`0x1F`, `1_000`, `~`) unless a step took
/// its object through JSON first, which retypes it (0x1F becomes "31"). We hold annotations as
/// that text from the start, and remember what YAML reads the plain ones as, for the JSON steps.
enum AnnotationText {
  static let path = ["metadata", "annotations"]

  /// Annotations as written in a file: each value becomes its text (`text` has it, for the
  /// keys the reader recorded, else `fallback` gives it); a list or map becomes "". Returns
  /// the plain scalars YAML reads as another type.
  static func read(_ object: inout Value, text: [String: String], fallback: (Value) -> String = jsonDecoded)
    -> [String: PlainScalar]
  {
    guard var annotations = object[path: path]?.objectValue else { return [:] }
    var plain: [String: PlainScalar] = [:]
    for (key, value) in annotations {
      switch value {
      case .array, .object:
        annotations[key] = ""
      default:
        // A string too: YAML reads `2024-01-01 10:00:00`, written plain, as a timestamp.
        let written = text[key] ?? fallback(value)
        annotations[key] = .string(written)
        if value != .string(written) { plain[key] = PlainScalar(text: written, value: value) }
      }
    }
    object[path: path] = .object(annotations)
    return plain
  }

  /// The text of a value taken through JSON into Go values and back into YAML nodes, as a
  /// `FooList`'s items are: numbers as `encoding/json` writes them.
  static func jsonDecoded(_ value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .int(let number): return String(number)
    case .float(let number): return NumberFormat.jsonFloat(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .null: return "null"
    case .array, .object: return ""
    }
  }

  /// The text of a value after a JSON 6902 patch, which decodes every number as a float64
  /// and writes it back with go-yaml v3 (1000000 becomes "1e+06").
  static func jsonPatched(_ value: Value) -> String {
    switch value {
    case .int(let number): return NumberFormat.yamlFloat(Double(number))
    case .float(let number): return NumberFormat.yamlFloat(number)
    default: return jsonDecoded(value)
    }
  }

  /// Before a JSON 6902 patch: the plain annotations back to what YAML reads them as.
  static func typed(_ resource: Resource) -> Value {
    var object = resource.object
    guard var annotations = object[path: path]?.objectValue else { return object }
    for (key, plain) in resource.plainAnnotations where annotations[key] == .string(plain.text) {
      annotations[key] = plain.value
    }
    object[path: path] = .object(annotations)
    return object
  }

  /// After a JSON 6902 patch: every annotation as the text the round trip left.
  static func afterJSONPatch(_ resource: inout Resource) {
    resource.plainAnnotations = [:]
    guard let annotations = resource.object[path: path]?.objectValue else { return }
    resource.object[path: path] = .object(annotations.mapValues { .string(jsonPatched($0)) })
  }

  /// After a strategic-merge patch without a target, which merges its nodes as written: what
  /// it set becomes the patch's text. `patch` is the patch's annotations, `text` their text.
  static func afterMerge(_ resource: inout Resource, patch: Value?, text: [String: String]) {
    guard let patch else { return }
    guard let patched = patch.objectValue else {
      resource.plainAnnotations = [:]
      return
    }
    var annotations = resource.object[path: path]?.objectValue
    for (key, value) in patched where annotations?[key] != nil || value.isNull {
      resource.plainAnnotations[key] = nil
      guard !value.isNull, let merged = annotations?[key] else { continue }
      switch merged {
      case .array, .object:
        annotations?[key] = ""
      default:
        guard merged == value, let written = text[key] else {
          annotations?[key] = .string(jsonDecoded(merged))
          continue
        }
        annotations?[key] = .string(written)
        if value != .string(written) { resource.plainAnnotations[key] = PlainScalar(text: written, value: value) }
      }
    }
    if let annotations { resource.object[path: path] = .object(annotations) }
  }

  /// A strategic-merge patch with a target, or from patchesStrategicMerge: kustomize first
  /// rewrites the patch's own labels and annotations as maps of their text (null is then the
  /// text "null", a map ""), and drops such a map when empty, so `annotations: null` there
  /// deletes nothing.
  static func stringifyMetadata(_ patch: Value, text: MetadataText, origin: String, field: String)
    throws(RenderError) -> Value
  {
    var patch = patch
    for (key, texts) in [("labels", text.labels), ("annotations", text.annotations)] {
      let fieldPath = ["metadata", key]
      guard let value = patch[path: fieldPath] else { continue }
      var strings = OrderedDictionary<String, Value>()
      switch value {
      case .object(let map):
        for (name, item) in map { strings[name] = .string(texts[name] ?? jsonDecoded(item)) }
      case .array(let items) where !items.isEmpty:
        throw RenderError(
          file: origin, field: field, message: "metadata.\(key): expected a map of strings, got a list")
      default:
        break
      }
      if strings.isEmpty {
        patch[path: fieldPath] = Optional<Value>.none
      } else {
        patch[path: fieldPath] = .object(strings)
      }
    }
    return patch
  }

  /// The annotations written out: a map of strings, or nothing when that map is empty or the
  /// field is not a map (null, "", []), as kustomize writes them. A list of annotations is an
  /// error (kustomize crashes on it).
  static func written(_ resource: Resource) throws(RenderError) -> Value {
    var object = resource.object
    guard let value = object[path: path] else { return object }
    switch value {
    case .object(let annotations) where !annotations.isEmpty:
      object[path: path] = .object(annotations.mapValues { $0.stringValue.map(Value.string) ?? .string(copiedText($0)) })
    case .array(let items) where !items.isEmpty:
      throw RenderError(
        file: resource.origin, field: "metadata.annotations",
        message: "\(resource.id): expected a map of strings, got a list")
    default:
      object[path: path] = nil
    }
    return object
  }

  /// A typed value still in an annotation at the end (a replacement copied it there): the
  /// text of the node kustomize would have copied.
  static func copiedText(_ value: Value) -> String {
    switch value {
    case .float(let number): return YAMLWriter.scalarText(.float(number))
    default: return jsonDecoded(value)
    }
  }
}
