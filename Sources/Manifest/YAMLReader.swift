internal import Foundation

/// Reads YAML the way kustomize (kyaml, on go-yaml v3) does: plain scalars resolve to
/// null/bool/int/float per YAML 1.2 core plus Go's integer syntax; quoted scalars stay strings.
/// Input is bounded by `YAMLLimits` (size, nesting, alias expansion): hostile input fails with
/// an error naming the file instead of exhausting time or memory.
public enum YAMLReader {
  /// Parses a multi-document stream. Empty documents (`---` with nothing, or comments only)
  /// are dropped, as kustomize drops them. CRLF line endings are accepted.
  public static func documents(
    _ text: String, file: String, schema: ScalarSchema = .core, limits: YAMLLimits = .default
  ) throws(ManifestError) -> [Value] {
    try compose(text, file: file, schema: schema, limits: limits, recordsMetadataText: false).map(\.value)
  }

  /// As `documents`, with the text of each object's labels and annotations as written (of the
  /// root object, and of the objects in its `items`): what kustomize reads them as.
  public static func textedDocuments(_ text: String, file: String, limits: YAMLLimits = .default) throws(ManifestError)
    -> [TextedDocument]
  {
    try compose(text, file: file, schema: .core, limits: limits, recordsMetadataText: true)
  }

  private static func compose(
    _ text: String, file: String, schema: ScalarSchema, limits: YAMLLimits, recordsMetadataText: Bool
  ) throws(ManifestError) -> [TextedDocument] {
    let size = text.utf8.count
    if size > limits.maxBytes {
      throw ManifestError(
        file: file, message: "YAML of \(size) bytes is larger than the limit of \(limits.maxBytes) bytes; refusing to read it")
    }
    var normalized = text.contains("\r\n") ? text.replacingOccurrences(of: "\r\n", with: "\n") : text
    if normalized.contains("\u{FEFF}") { normalized = withoutByteOrderMarks(normalized) }
    let composer = YAMLComposer(file: file, limits: limits, schema: schema, recordsMetadataText: recordsMetadataText)
    // libyaml reads the bytes in place, so the whole parse runs inside withUTF8; its closure
    // cannot throw a typed error, so the result carries it out.
    let result: Result<[Value], ManifestError> = normalized.withUTF8 { bytes in
      do throws(ManifestError) {
        return .success(try composer.documents(bytes))
      } catch {
        return .failure(error)
      }
    }
    let values = try result.get()
    let texts = composer.metadataTexts
    return values.indices.filter { !values[$0].isNull }.map { index in
      TextedDocument(value: values[index], metadataText: index < texts.count ? texts[index] : DocumentMetadataText())
    }
  }

  /// The text without a byte-order mark at the start of the stream or of a document (the line
  /// after a `---`): Windows editors write one, kustomize reads past it, libyaml (told the
  /// encoding) would not.
  private static func withoutByteOrderMarks(_ text: String) -> String {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for index in lines.indices where index == 0 || lines[index - 1].hasPrefix("---") {
      if lines[index].hasPrefix("\u{FEFF}") { lines[index] = lines[index].dropFirst() }
    }
    return lines.joined(separator: "\n")
  }

  /// Parses exactly one document; an empty stream is an empty map.
  public static func document(
    _ text: String, file: String, schema: ScalarSchema = .core, limits: YAMLLimits = .default
  ) throws(ManifestError) -> Value {
    let docs = try documents(text, file: file, schema: schema, limits: limits)
    if docs.count > 1 {
      throw ManifestError(file: file, message: "expected one YAML document, found \(docs.count)")
    }
    return docs.first ?? .object([:])
  }
}
