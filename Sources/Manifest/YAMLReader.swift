internal import Foundation
import OrderedCollections
internal import Yams

/// Reads YAML the way kustomize (kyaml, on go-yaml v3) does: plain scalars resolve to
/// null/bool/int/float per YAML 1.2 core plus Go's integer syntax; quoted scalars stay strings.
public enum YAMLReader {
  /// Parses a multi-document stream. Empty documents (`---` with nothing, or comments only)
  /// are dropped, as kustomize drops them. CRLF line endings are accepted.
  public static func documents(_ text: String, file: String) throws(ManifestError) -> [Value] {
    let normalized = text.contains("\r\n") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
    var result: [Value] = []
    do {
      // The basic resolver leaves typing of plain scalars to ScalarResolver (go-yaml v3 rules),
      // which is also much faster than Yams' regex rules; explicit tags are honoured in
      // resolveScalar.
      var nodes = try Yams.compose_all(yaml: normalized, .basic)
      while let node = nodes.next() {
        let value = try convert(node, file: file)
        if value.isNull { continue }
        result.append(value)
      }
      // YamlSequence ends iteration on a parse error and keeps the error instead of throwing.
      if let error = nodes.error { throw error }
    } catch let error as ManifestError {
      throw error
    } catch let error as YamlError {
      throw manifestError(error, file: file)
    } catch {
      throw ManifestError(file: file, message: "\(error)")
    }
    return result
  }

  /// Parses exactly one document; an empty stream is an empty map.
  public static func document(_ text: String, file: String) throws(ManifestError) -> Value {
    let docs = try documents(text, file: file)
    if docs.count > 1 {
      throw ManifestError(file: file, message: "expected one YAML document, found \(docs.count)")
    }
    return docs.first ?? .object([:])
  }

  static func convert(_ node: Node, file: String) throws -> Value {
    switch node {
    case .scalar(let scalar):
      return resolveScalar(scalar)
    case .sequence(let sequence):
      return .array(try sequence.map { try convert($0, file: file) })
    case .mapping(let mapping):
      var object = OrderedDictionary<String, Value>()
      object.reserveCapacity(mapping.count)
      for (keyNode, valueNode) in mapping {
        let key: String
        switch keyNode {
        case .scalar(let s): key = s.string
        default:
          throw ManifestError(
            file: file, line: keyNode.mark?.line, column: keyNode.mark?.column,
            message: "mapping keys must be scalars")
        }
        if object[key] != nil {
          throw ManifestError(
            file: file, line: keyNode.mark?.line, column: keyNode.mark?.column,
            message: "mapping key \"\(key)\" already defined")
        }
        object[key] = try convert(valueNode, file: file)
      }
      return .object(object)
    case .alias:
      throw ManifestError(file: file, line: node.mark?.line, message: "unresolved YAML alias")
    }
  }

  static func resolveScalar(_ scalar: Node.Scalar) -> Value {
    // `scalar.tag` is the tag as written (Node.tag would resolve it): empty when untagged.
    // An explicit core tag wins over the style, as in go-yaml v3: `!!str 5` is a string and
    // `!!int "8"` an int. (kustomize prints a plain scalar under the non-specific `!` as it
    // would untagged, so that case is left to the style.)
    switch scalar.tag.rawValue {
    case Tag.Name.str.rawValue: return .string(scalar.string)
    case Tag.Name.int.rawValue: if let i = ScalarResolver.int(scalar.string) { return .int(i) }
    case Tag.Name.float.rawValue: if let d = ScalarResolver.float(scalar.string) { return .float(d) }
    case Tag.Name.bool.rawValue: if let b = ScalarResolver.bool(scalar.string) { return .bool(b) }
    case Tag.Name.null.rawValue: return .null
    default: break
    }
    if scalar.style != .plain { return .string(scalar.string) }
    return ScalarResolver.resolvePlain(scalar.string)
  }

  static func manifestError(_ error: YamlError, file: String) -> ManifestError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
      return ManifestError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(detail)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ManifestError(
        file: file, line: context.mark.line, column: context.mark.column,
        message: "mapping key \"\(duplicates.joined(separator: "\", \""))\" already defined in the map starting here")
    case .reader(let problem, _, _, _):
      return ManifestError(file: file, message: "invalid YAML: \(problem)")
    default:
      return ManifestError(file: file, message: "invalid YAML: \(error)")
    }
  }
}
