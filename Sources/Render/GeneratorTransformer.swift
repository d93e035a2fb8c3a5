internal import Foundation
public import Manifest

/// `configMapGenerator` and `secretGenerator`: objects made from literals, files and env files,
/// named with kustomize's content-hash suffix unless disabled, and combined with an object of
/// the same name from a base when `behavior` is merge or replace.
public struct GeneratorTransformer: Sendable {
  struct Generator: Sendable {
    var kind: String
    var field: String
    var name: String
    var namespace: String?
    var behavior: String
    var options: GeneratorOptions
    var secretType: String?
    var entries: [(key: String, bytes: [UInt8], source: String)]
  }

  let generators: [Generator]
  let file: String

  public init(kustomization: Value, kustomizationFile: String, directory: String, fileSystem: any FileSystem)
    throws(RenderError)
  {
    file = kustomizationFile
    do {
      var fields = FieldReader(value: kustomization, file: kustomizationFile, keys: .ignoringCase)
      let global = try fields.optionalMap("generatorOptions").map(GeneratorOptions.init) ?? GeneratorOptions()
      var generators: [Generator] = []
      for (kind, key) in [("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")] {
        for (path, item) in try fields.optionalList(key) ?? [] {
          generators.append(
            try Self.parse(
              kind: kind, path: path, item: item, global: global, file: kustomizationFile, directory: directory,
              fileSystem: fileSystem))
        }
      }
      self.generators = generators
    } catch let error as FieldError {
      throw RenderError(file: error.file, field: error.field, message: error.message)
    } catch let error as RenderError {
      throw error
    } catch {
      throw RenderError(file: kustomizationFile, message: "\(error)")
    }
  }

  private static func parse(
    kind: String, path: String, item: Value, global: GeneratorOptions, file: String, directory: String,
    fileSystem: any FileSystem
  ) throws -> Generator {
    var fields = FieldReader(value: item, file: file, path: path, keys: .ignoringCase)
    guard let name = try fields.optionalString("name"), !name.isEmpty else {
      throw fields.error("name", "required field is missing")
    }
    let namespace = try fields.optionalString("namespace")
    let behavior = try fields.optionalString("behavior") ?? "create"
    guard ["create", "merge", "replace"].contains(behavior) else {
      throw fields.error("behavior", "expected create, merge or replace, got \(behavior)")
    }
    let local = try fields.optionalMap("options").map(GeneratorOptions.init) ?? GeneratorOptions()
    // An empty type is no type: kustomize makes the Secret Opaque.
    let secretType = kind == "Secret" ? try fields.optionalString("type").flatMap { $0.isEmpty ? nil : $0 } : nil
    if kind == "ConfigMap", fields.contains("type") { throw fields.error("type", "only secretGenerator entries have a type") }

    var entries: [(key: String, bytes: [UInt8], source: String)] = []
    for (entryPath, literal) in try stringItems(&fields, "literals") {
      guard let eq = literal.firstIndex(of: "="), eq != literal.startIndex else {
        throw FieldError(file: file, field: entryPath, message: "invalid literal \"\(literal)\", expected key=value")
      }
      let key = String(literal[..<eq])
      let value = removeQuotes(String(literal[literal.index(after: eq)...]))
      entries.append((key, Array(value.utf8), entryPath))
    }
    for (entryPath, source) in try stringItems(&fields, "files") {
      var key: String
      var relative: String
      if let eq = source.firstIndex(of: "=") {
        key = String(source[..<eq])
        relative = String(source[source.index(after: eq)...])
        if key.isEmpty || relative.isEmpty {
          throw FieldError(file: file, field: entryPath, message: "invalid file source \"\(source)\", expected [key=]path")
        }
      } else {
        relative = source
        key = PathName.lastComponent(source)
      }
      let bytes = try readFile(relative, directory: directory, fileSystem: fileSystem, file: file, field: entryPath)
      entries.append((key, bytes, entryPath))
    }
    // `env:` is the older single-file form; kustomize appends its file to those of `envs:`.
    var envFiles = try stringItems(&fields, "envs")
    if let single = try fields.optionalString("env"), !single.isEmpty { envFiles.append((fields.fieldPath("env"), single)) }
    for (entryPath, relative) in envFiles {
      let bytes = try readFile(relative, directory: directory, fileSystem: fileSystem, file: file, field: entryPath)
      entries += try EnvFile.parse(bytes, file: PathName.join(directory, relative))
        .map { ($0.key, Array($0.value.utf8), entryPath) }
    }
    var seen: Set<String> = []
    for entry in entries where !seen.insert(entry.key).inserted {
      throw FieldError(file: file, field: entry.source, message: "key \"\(entry.key)\" already exists in \(kind) \(name)")
    }
    try fields.rejectUnknownKeys()
    return Generator(
      kind: kind, field: path, name: name, namespace: namespace, behavior: behavior,
      options: local.merged(overGlobal: global), secretType: secretType, entries: entries)
  }

  private static func stringItems(_ fields: inout FieldReader, _ key: String) throws -> [(String, String)] {
    try (fields.optionalList(key) ?? []).map { (path, value) throws -> (String, String) in
      guard let s = value.stringValue else {
        throw FieldError(file: fields.file, field: path, message: "expected a string, got \(value.typeDescription)")
      }
      return (path, s)
    }
  }

  /// Surrounding quotes of a literal's value are removed only when they match on both ends.
  static func removeQuotes(_ s: String) -> String {
    guard s.count >= 2, let first = s.first, first == s.last, first == "\"" || first == "'" else { return s }
    return String(s.dropFirst().dropLast())
  }

  private static func readFile(
    _ relative: String, directory: String, fileSystem: any FileSystem, file: String, field: String
  ) throws -> [UInt8] {
    let restrictions = LoadRestrictions(fileSystem: fileSystem, file: file, directory: directory)
    return try restrictions.readBytes(relative, field: field)
  }

  public func apply(to resources: inout [Resource]) throws(RenderError) {
    for generator in generators {
      let object = makeObject(generator)
      let matches = resources.indices.filter { index in
        let r = resources[index]
        guard r.object.kind == generator.kind, r.object.apiVersion == "v1" else { return false }
        let names = [r.id.name] + r.previousIDs.map(\.name)
        guard names.contains(generator.name) else { return false }
        return generator.namespace == nil || r.object.namespace == generator.namespace
      }
      switch generator.behavior {
      case "create":
        if let existing = matches.first {
          throw RenderError(
            file: file, field: generator.field,
            message: "may not add resource with an already registered id: \(resources[existing].id); use behavior: merge or replace")
        }
        resources.append(
          Resource(
            object: object, origin: "\(file): \(generator.field)", needsHashSuffix: !generator.options.disableNameSuffixHash,
            generatorBehavior: "create"))
      default:
        guard matches.count == 1, let index = matches.first else {
          throw RenderError(
            file: file, field: generator.field,
            message: matches.isEmpty
              ? "behavior \(generator.behavior): no \(generator.kind) named \(generator.name) from a base to \(generator.behavior)"
              : "behavior \(generator.behavior): several \(generator.kind)s named \(generator.name) match")
        }
        var existing = resources[index].object
        if generator.behavior == "replace" {
          for key in ["data", "binaryData", "stringData"] { existing[key] = nil }
        }
        for key in ["data", "binaryData"] {
          guard let incoming = object[key]?.objectValue else { continue }
          var merged = existing[key]?.objectValue ?? [:]
          for (k, v) in incoming { merged[k] = v }
          existing[key] = .object(merged)
        }
        for path in [["metadata", "labels"], ["metadata", "annotations"]] {
          guard let incoming = object[path: path]?.objectValue else { continue }
          var merged = existing[path: path]?.objectValue ?? [:]
          for (k, v) in incoming { merged[k] = v }
          existing[path: path] = .object(merged)
        }
        if object["immutable"] != nil { existing["immutable"] = object["immutable"] }
        if let type = object["type"], generator.secretType != nil { existing["type"] = type }
        resources[index].object = existing
        // kustomize writes the merged annotations back as strings.
        resources[index].plainAnnotations = [:]
        if generator.options.disableNameSuffixHash { resources[index].needsHashSuffix = false }
      }
    }
  }

  private func makeObject(_ generator: Generator) -> Value {
    var object: Value = ["apiVersion": "v1", "kind": .string(generator.kind)]
    var metadata: Value = ["name": .string(generator.name)]
    if let namespace = generator.namespace { metadata["namespace"] = .string(namespace) }
    if !generator.options.labels.isEmpty {
      metadata["labels"] = .object(.init(generator.options.labels.map { ($0.0, Value.string($0.1)) }, uniquingKeysWith: { $1 }))
    }
    if !generator.options.annotations.isEmpty {
      metadata["annotations"] = .object(
        .init(generator.options.annotations.map { ($0.0, Value.string($0.1)) }, uniquingKeysWith: { $1 }))
    }
    object["metadata"] = metadata
    if generator.kind == "Secret" {
      object["type"] = .string(generator.secretType ?? "Opaque")
      var data: Value = [:]
      for entry in generator.entries { data[entry.key] = .string(Self.base64(entry.bytes)) }
      object["data"] = data
    } else {
      var data: Value = [:]
      var binary: Value = [:]
      for entry in generator.entries {
        if let text = String(validating: entry.bytes, as: UTF8.self) {
          data[entry.key] = .string(text)
        } else {
          binary[entry.key] = .string(Self.base64(entry.bytes))
        }
      }
      if !(data.objectValue?.isEmpty ?? true) || (binary.objectValue?.isEmpty ?? true) { object["data"] = data }
      if !(binary.objectValue?.isEmpty ?? true) { object["binaryData"] = binary }
    }
    if generator.options.immutable { object["immutable"] = true }
    return object
  }
}

extension GeneratorTransformer {
  /// Base64 as kustomize writes a generated Secret's data and a ConfigMap's binaryData: text
  /// of 70 characters or more is cut into lines of 70, each ending in a newline (so written as
  /// a literal block, and hashed so).
  static func base64(_ bytes: [UInt8]) -> String {
    let encoded = Data(bytes).base64EncodedString()
    let lineLength = 70
    guard encoded.utf8.count >= lineLength else { return encoded }
    var result = ""
    var rest = Substring(encoded)
    while !rest.isEmpty {
      result += rest.prefix(lineLength) + "\n"
      rest = rest.dropFirst(lineLength)
    }
    return result
  }
}

/// Env files of `envs:`, read line by line as kustomize v5.5 reads them: a UTF-8 byte-order
/// mark dropped from the first line, leading white space trimmed, blank lines and `#` comments
/// skipped, `KEY=VALUE` split at the first `=`, a bare `KEY` an empty value (never read from
/// the environment). kustomize checks keys no further; a line not UTF-8 is an error.
enum EnvFile {
  /// bufio.Scanner's default buffer: kustomize's scan of a longer line stops there and it
  /// drops the scanner's error, so the rest of the file is lost without a word. We refuse.
  static let maxLineBytes = 64 * 1024

  static func parse(_ bytes: [UInt8], file: String) throws(RenderError) -> [(key: String, value: String)] {
    var result: [(key: String, value: String)] = []
    for (number, rawLine) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
      if rawLine.count >= maxLineBytes {
        throw RenderError(
          file: file, line: number + 1,
          message: "line of \(rawLine.count) bytes; kustomize reads env file lines of less than 64 KiB and silently "
            + "drops this line and every line after it, so release refuses it (put a long value in a file: source)")
      }
      var lineBytes = rawLine
      if lineBytes.last == UInt8(ascii: "\r") { lineBytes = lineBytes.dropLast() }
      guard let text = String(validating: lineBytes, as: UTF8.self) else {
        throw RenderError(file: file, line: number + 1, message: "line has invalid UTF-8 bytes")
      }
      var line = Substring(text)
      if number == 0, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
      line = line.drop(while: { $0.isWhitespace })
      if line.isEmpty || line.hasPrefix("#") { continue }
      if let eq = line.firstIndex(of: "=") {
        guard eq != line.startIndex else { continue }  // no key: skipped, as kustomize skips it
        result.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
      } else {
        result.append((String(line), ""))
      }
    }
    return result
  }
}
