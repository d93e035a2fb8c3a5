internal import Foundation
import Manifest

/// Reads patch entries and files of a kustomization, enforcing load restrictions.
struct PatchReader {
  let file: String
  let directory: String
  let fileSystem: any FileSystem

  func readPatchFile(_ relative: String, field: String) throws(RenderError) -> String {
    try LoadRestrictions(fileSystem: fileSystem, file: file, directory: directory).read(relative, field: field)
  }

  /// The patch's documents, with the text of their labels and annotations (kustomize keeps
  /// those as written).
  func parse(_ text: String, field: String) throws(RenderError) -> [TextedDocument] {
    if let separator = DocumentSeparator.firstInvalid(in: text) {
      throw RenderError(
        file: file, field: field, message: "line \(separator.line) of the patch: invalid document separator: \(separator.text)")
    }
    do {
      return try YAMLReader.textedDocuments(text, file: "\(file): \(field)")
    } catch {
      throw RenderError(file: file, field: field, line: error.line, message: error.message)
    }
  }

  /// A `patches` entry: `{path | patch, target?, options?}`. A list of operations is JSON 6902,
  /// anything else a strategic-merge patch.
  func patchEntry(_ item: Value, field: String) throws(RenderError) -> PatchTransformer.Patch {
    var fields = FieldReader(value: item, file: file, path: field, keys: .ignoringCase)
    do {
      let path = try fields.optionalString("path")
      let inline = try fields.optionalString("patch")
      let target = try fields.optionalMap("target")
      var allowNameChange = false
      var allowKindChange = false
      if var options = try fields.optionalMap("options") {
        allowNameChange = try options.optionalBool("allowNameChange") ?? false
        allowKindChange = try options.optionalBool("allowKindChange") ?? false
        try options.rejectUnknownKeys()
      }
      try fields.rejectUnknownKeys()
      // kustomize trims an inline patch, and one left empty counts as not given.
      let trimmed = inline.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
      let text: String
      switch (path.flatMap { $0.isEmpty ? nil : $0 }, trimmed) {
      case (let path?, nil): text = try readPatchFile(path, field: "\(field).path")
      case (nil, let inline?): text = inline
      case (.some, .some): throw FieldError(file: file, field: field, message: "set either path or patch, not both")
      case (nil, nil): throw FieldError(file: file, field: field, message: "needs a path or a patch")
      }
      let documents = try parse(text, field: field)
      let selector = try target.map { (t: FieldReader) throws(RenderError) in
        try PatchTarget(selector: t.value, file: file, field: "\(field).target")
      }
      let body = try PatchKind.classify(text, documents: documents, file: file, field: field, targeted: selector != nil)
      if case .json6902 = body, selector == nil {
        throw RenderError(file: file, field: field, message: "a JSON 6902 patch (a list of operations) needs a target")
      }
      return PatchTransformer.Patch(
        field: field, body: body, target: selector, allowNameChange: allowNameChange, allowKindChange: allowKindChange)
    } catch let error as FieldError {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: file, field: field, message: "\(error)")
    }
  }

  /// A legacy `patchesJson6902` entry: `{target, path | patch}`.
  func json6902Entry(_ item: Value, field: String) throws(RenderError) -> PatchTransformer.Patch {
    var fields = FieldReader(value: item, file: file, path: field, keys: .ignoringCase)
    do {
      let target = try fields.requireMap("target")
      let path = try fields.optionalString("path")
      let inline = try fields.optionalString("patch")
      try fields.rejectUnknownKeys()
      guard let text = try inline ?? path.map({ (p: String) throws(RenderError) in try readPatchFile(p, field: "\(field).path") })
      else { throw FieldError(file: file, field: field, message: "needs a path or a patch") }
      let documents = try parse(text, field: field)
      guard documents.count == 1, let operations = documents[0].value.arrayValue else {
        throw RenderError(file: file, field: field, message: "expected a list of JSON 6902 operations")
      }
      return PatchTransformer.Patch(
        field: field, body: .json6902(operations),
        target: try PatchTarget(selector: target.value, file: file, field: "\(field).target"), allowNameChange: false,
        allowKindChange: false)
    } catch let error as FieldError {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: file, field: field, message: "\(error)")
    }
  }
}
