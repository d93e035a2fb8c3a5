import Manifest

/// The Swagger 2.0 document in the protobuf form kubectl asks for
/// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's `openapi.v2.Document`
/// (google/gnostic openapiv2/OpenAPIv2.proto), whose field numbers are below. Values that are
/// free-form JSON (`default`, `enum`, vendor extensions) travel as gnostic's `Any.yaml` text,
/// which JSON is.
enum OpenAPIv2Protobuf {
  /// What clients ask for: the old name, with an `@` that Go's media-type parser refuses in a
  /// Content-Type, and the new one, which kube-apiserver answers with.
  static let acceptedTypes: Set<String> = [
    "application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
  ]
  static let contentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

  static func document(_ swagger: Value) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.string(1, swagger["swagger"]?.stringValue ?? "2.0")
    var info = ProtobufWriter()
    info.string(1, swagger[path: ["info", "title"]]?.stringValue ?? "")
    info.string(2, swagger[path: ["info", "version"]]?.stringValue ?? "")
    writer.message(2, info.bytes)
    var paths = ProtobufWriter()
    for (name, item) in swagger["paths"]?.objectValue ?? [:] {
      paths.message(2, named(name, pathItem(item)))
    }
    writer.message(8, paths.bytes)
    var definitions = ProtobufWriter()
    for (name, definition) in swagger["definitions"]?.objectValue ?? [:] {
      definitions.message(1, named(name, schema(definition)))
    }
    writer.message(9, definitions.bytes)
    return writer.bytes
  }

  /// `NamedSchema`, `NamedPathItem`, `NamedAny`: name 1, value 2.
  private static func named(_ name: String, _ value: [UInt8]) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.string(1, name)
    writer.message(2, value)
    return writer.bytes
  }

  /// `Any`: its `yaml` (2).
  private static func any(_ value: Value) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.string(2, JSON.string(value))
    return writer.bytes
  }

  private static func vendorExtensions(_ object: Value, number: Int, into writer: inout ProtobufWriter) {
    for (key, value) in object.objectValue ?? [:] where key.hasPrefix("x-") {
      writer.message(number, named(key, any(value)))
    }
  }

  static func schema(_ schema: Value) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.string(1, schema["$ref"]?.stringValue ?? "")
    writer.string(2, schema["format"]?.stringValue ?? "")
    writer.string(3, schema["title"]?.stringValue ?? "")
    writer.string(4, schema["description"]?.stringValue ?? "")
    if let value = schema["default"] { writer.message(5, any(value)) }
    if let value = schema["maximum"]?.numberValue { writer.double(7, value) }
    if let value = schema["minimum"]?.numberValue { writer.double(9, value) }
    writer.strings(19, schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    for value in schema["enum"]?.arrayValue ?? [] { writer.message(20, any(value)) }
    switch schema["additionalProperties"] {
    case .object(let child)?:
      var item = ProtobufWriter()
      item.message(1, Self.schema(.object(child)))
      writer.message(21, item.bytes)
    case .bool(let allowed)?:
      var item = ProtobufWriter()
      item.presentBool(2, allowed)
      writer.message(21, item.bytes)
    default:
      break
    }
    if let type = schema["type"] {
      var item = ProtobufWriter()
      item.strings(1, type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? [])
      writer.message(22, item.bytes)
    }
    if let items = schema["items"] {
      var item = ProtobufWriter()
      for child in items.arrayValue ?? [items] { item.message(1, Self.schema(child)) }
      writer.message(23, item.bytes)
    }
    for child in schema["allOf"]?.arrayValue ?? [] { writer.message(24, Self.schema(child)) }
    if let properties = schema["properties"]?.objectValue {
      var item = ProtobufWriter()
      for (name, child) in properties { item.message(1, named(name, Self.schema(child))) }
      writer.message(25, item.bytes)
    }
    writer.bool(27, schema["readOnly"]?.boolValue ?? false)
    vendorExtensions(schema, number: 31, into: &writer)
    return writer.bytes
  }

  /// `PathItem` with only the operations this server lists (`patch` is 8).
  private static func pathItem(_ item: Value) -> [UInt8] {
    var writer = ProtobufWriter()
    let numbers = ["get": 2, "put": 3, "post": 4, "delete": 5, "options": 6, "head": 7, "patch": 8]
    for (method, operation) in item.objectValue ?? [:] {
      guard let number = numbers[method] else { continue }
      writer.message(number, Self.operation(operation))
    }
    return writer.bytes
  }

  /// `Operation`, its query parameters as `ParametersItem.parameter.non_body_parameter.query_parameter_sub_schema`.
  private static func operation(_ operation: Value) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.string(3, operation["description"]?.stringValue ?? "")
    writer.string(5, operation["operationId"]?.stringValue ?? "")
    for parameter in operation["parameters"]?.arrayValue ?? [] {
      var query = ProtobufWriter()
      query.string(2, parameter["in"]?.stringValue ?? "")
      query.string(4, parameter["name"]?.stringValue ?? "")
      query.string(6, parameter["type"]?.stringValue ?? "")
      query.bool(20, parameter["uniqueItems"]?.boolValue ?? false)
      var nonBody = ProtobufWriter()
      nonBody.message(3, query.bytes)
      var wrapped = ProtobufWriter()
      wrapped.message(2, nonBody.bytes)
      var item = ProtobufWriter()
      item.message(1, wrapped.bytes)
      writer.message(8, item.bytes)
    }
    var responses = ProtobufWriter()
    for (code, response) in operation["responses"]?.objectValue ?? [:] {
      var body = ProtobufWriter()
      body.string(1, response["description"]?.stringValue ?? "")
      var value = ProtobufWriter()
      value.message(1, body.bytes)
      responses.message(1, named(code, value.bytes))
    }
    writer.message(9, responses.bytes)
    vendorExtensions(operation, number: 13, into: &writer)
    return writer.bytes
  }
}

extension Value {
  fileprivate var numberValue: Double? {
    switch self {
    case .int(let value): return Double(value)
    case .float(let value): return value
    default: return nil
    }
  }
}
