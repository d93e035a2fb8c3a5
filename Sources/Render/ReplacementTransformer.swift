public import Manifest

/// `replacements`: copy a field of one object (the source) into fields of others (targets),
/// optionally one delimited part of it, as kustomize's ReplacementTransformer does.
public struct ReplacementTransformer: Sendable {
  struct Replacement: Sendable {
    var field: String
    var source: Source
    var targets: [Target]
  }

  struct Source: Sendable {
    /// group, version, kind, name and namespace, those the source names.
    var selector: [String: String]
    var fieldPath: FieldPath
    var delimiter: String?
    var index: Int
  }

  struct Target: Sendable {
    var field: String
    var select: PatchTarget
    var reject: [PatchTarget]
    var fieldPaths: [FieldPath]
    var delimiter: String?
    var index: Int
    var create: Bool
  }

  let file: String
  let replacements: [Replacement]

  public init(kustomization: Value, kustomizationFile: String, directory: String, fileSystem: any FileSystem)
    throws(RenderError)
  {
    file = kustomizationFile
    var fields = FieldReader(value: kustomization, file: kustomizationFile, keys: .ignoringCase)
    var replacements: [Replacement] = []
    do {
      for (path, item) in try fields.optionalList("replacements") ?? [] {
        var entry = FieldReader(value: item, file: kustomizationFile, path: path, keys: .ignoringCase)
        if let relative = try entry.optionalString("path") {
          let text = try PatchReader(file: kustomizationFile, directory: directory, fileSystem: fileSystem)
            .readPatchFile(relative, field: "\(path).path")
          for (i, document) in try YAMLReader.documents(text, file: PathName.join(directory, relative)).enumerated() {
            let entries = document.arrayValue ?? [document]
            for (j, entry) in entries.enumerated() {
              replacements.append(try Self.parse(entry, field: "\(path) (\(relative) #\(i + j + 1))", file: kustomizationFile))
            }
          }
        } else {
          replacements.append(try Self.parse(item, field: path, file: kustomizationFile))
        }
      }
    } catch let error as FieldError {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    } catch let error as RenderError {
      throw error
    } catch let error as ManifestError {
      throw RenderError(error)
    } catch let error as PatchError {
      throw RenderError(file: kustomizationFile, field: "replacements", message: error.message)
    } catch {
      throw RenderError(file: kustomizationFile, field: "replacements", message: "\(error)")
    }
    self.replacements = replacements
  }

  private static func parse(_ item: Value, field: String, file: String) throws -> Replacement {
    var fields = FieldReader(value: item, file: file, path: field, keys: .ignoringCase)
    var source = try fields.requireMap("source")
    let fieldPath = try FieldPath(parsing: try source.optionalString("fieldPath") ?? "metadata.name")
    var sourceDelimiter: String?
    var sourceIndex = 0
    if var options = try source.optionalMap("options") {
      sourceDelimiter = try options.optionalString("delimiter")
      sourceIndex = Int(try options.optionalInt("index") ?? 0)
      _ = try options.optionalBool("create")
      try options.rejectUnknownKeys()
    }
    var selector: [String: String] = [:]
    for key in ["group", "version", "kind", "name", "namespace"] { selector[key] = try source.optionalString(key) }
    try source.rejectUnknownKeys()

    var targets: [Target] = []
    for (path, targetValue) in try fields.optionalList("targets") ?? [] {
      var target = FieldReader(value: targetValue, file: file, path: path, keys: .ignoringCase)
      let select = try target.requireMap("select")
      let rejects = try (target.optionalList("reject") ?? []).map { (p, v) in
        try PatchTarget(selector: v, file: file, field: p)
      }
      let paths = try (target.optionalStringList("fieldPaths") ?? []).map { try FieldPath(parsing: $0) }
      var delimiter: String?
      var index = 0
      var create = false
      if var options = try target.optionalMap("options") {
        delimiter = try options.optionalString("delimiter")
        index = Int(try options.optionalInt("index") ?? 0)
        create = try options.optionalBool("create") ?? false
        try options.rejectUnknownKeys()
      }
      try target.rejectUnknownKeys()
      targets.append(
        Target(
          field: path, select: try PatchTarget(selector: select.value, file: file, field: "\(path).select"),
          reject: rejects, fieldPaths: paths, delimiter: delimiter, index: index, create: create))
    }
    try fields.rejectUnknownKeys()
    return Replacement(
      field: field,
      source: Source(selector: selector, fieldPath: fieldPath, delimiter: sourceDelimiter, index: sourceIndex),
      targets: targets)
  }

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    for replacement in replacements {
      let value = try sourceValue(replacement, in: resources)
      for target in replacement.targets {
        for index in resources.indices
        where target.select.matches(resources[index]) && !target.reject.contains(where: { $0.matches(resources[index]) }) {
          for path in target.fieldPaths {
            do throws(PatchError) {
              let count = try path.set(in: &resources[index].object, create: target.create) { current throws(PatchError) in
                guard let delimiter = target.delimiter else { return try ReplacementValue.written(value, over: current) }
                guard let text = current?.stringValue, let insert = value.stringValue else {
                  throw PatchError("delimiter needs string values")
                }
                var parts = text.components(separatedBy: delimiter)
                if target.index >= parts.count {
                  parts.append(insert)
                } else if target.index < 0 {
                  parts.insert(insert, at: 0)
                } else {
                  parts[target.index] = insert
                }
                return .string(parts.joined(separator: delimiter))
              }
              if count == 0 {
                throw PatchError("\(resources[index].id) has no field \(path); set options.create: true to add it")
              }
            } catch {
              throw RenderError(file: file, field: target.field, message: error.message)
            }
          }
        }
      }
    }
  }

  private func sourceValue(_ replacement: Replacement, in resources: [Resource]) throws(RenderError) -> Value {
    let selector = replacement.source.selector
    let candidates = resources.filter { resource in
      ([resource.id] + resource.previousIDs).contains { id in
        (selector["kind"].map { $0 == id.gvk.kind } ?? true)
          && (selector["name"].map { $0 == id.name } ?? true)
          && (selector["namespace"].map { $0 == id.namespace } ?? true)
          && (selector["group"].map { $0 == id.gvk.group } ?? true)
          && (selector["version"].map { $0 == id.gvk.version } ?? true)
      }
    }
    guard candidates.count == 1, let source = candidates.first else {
      throw RenderError(
        file: file, field: "\(replacement.field).source",
        message: candidates.isEmpty
          ? "nothing matches the source selector"
          : "multiple objects match the source selector: \(candidates.map(\.id.description).joined(separator: ", "))")
    }
    let values = replacement.source.fieldPath.values(in: source.object)
    guard let value = values.first else {
      throw RenderError(
        file: file, field: "\(replacement.field).source",
        message: "\(source.id) has no field \(replacement.source.fieldPath)")
    }
    if let delimiter = replacement.source.delimiter {
      guard let text = value.stringValue else {
        throw RenderError(file: file, field: "\(replacement.field).source", message: "delimiter needs a string value")
      }
      let parts = text.components(separatedBy: delimiter)
      guard parts.indices.contains(replacement.source.index) else {
        throw RenderError(file: file, field: "\(replacement.field).source", message: "options.index is out of range")
      }
      return .string(parts[replacement.source.index])
    }
    return value
  }
}
