import KubeSim
import Manifest

/// How one Kubernetes message maps to its JSON form: field number → JSON name and type, as
/// upstream's generated.proto files declare them. Only the messages the simulated server
/// decodes are described (see `KubernetesProtobuf.schemas`).
struct ProtobufSchema: Sendable {
  indirect enum FieldType: Sendable {
    case string
    case int
    case bool
    case message(ProtobufSchema)
    /// `map<string, string>` (labels, annotations).
    case stringMap
    /// `map<string, ExtraValue>`: an ExtraValue is `repeated string items = 1`, a list in JSON.
    case stringListMap
    /// resource.Quantity: its one string field.
    case quantity
    /// meta.v1.Time: seconds and nanos, RFC 3339 in JSON.
    case time

    var isMap: Bool {
      switch self {
      case .stringMap, .stringListMap: return true
      default: return false
      }
    }
  }

  struct Field: Sendable {
    var name: String
    var type: FieldType
    var repeated = false
  }

  var fields: [Int: Field]

  init(_ fields: [Int: Field]) { self.fields = fields }

  static func string(_ name: String) -> Field { Field(name: name, type: .string) }
  static func strings(_ name: String) -> Field { Field(name: name, type: .string, repeated: true) }
  static func int(_ name: String) -> Field { Field(name: name, type: .int) }
  static func bool(_ name: String) -> Field { Field(name: name, type: .bool) }
  static func message(_ name: String, _ schema: ProtobufSchema) -> Field { Field(name: name, type: .message(schema)) }
  static func messages(_ name: String, _ schema: ProtobufSchema) -> Field { Field(name: name, type: .message(schema), repeated: true) }

  /// The message's JSON object. Empty strings, zeros, false and empty messages are left out,
  /// as Go's `omitempty` leaves them out of the JSON form; unknown fields are skipped, as
  /// upstream's decoder skips them.
  func decode(_ bytes: ArraySlice<UInt8>) throws(ProtobufReader.Malformed) -> Value {
    var reader = ProtobufReader(bytes)
    var object: Value = [:]
    while let (number, payload) = try reader.next() {
      guard let field = fields[number] else { continue }
      guard let value = try Self.value(of: payload, as: field.type, field: field.name) else { continue }
      if field.repeated {
        object[field.name] = .array((object[field.name]?.arrayValue ?? []) + [value])
      } else if field.type.isMap, case .object(let entries) = value {
        // A map arrives one entry per field occurrence.
        var merged = object[field.name]?.objectValue ?? [:]
        for (key, entry) in entries { merged[key] = entry }
        object[field.name] = .object(merged)
      } else {
        object[field.name] = value
      }
    }
    return object
  }

  static func value(of payload: ProtobufReader.Payload, as type: FieldType, field: String) throws(ProtobufReader.Malformed) -> Value? {
    switch (type, payload) {
    case (.string, .bytes(let bytes)):
      return bytes.isEmpty ? Value?.none : .string(String(decoding: bytes, as: UTF8.self))
    case (.int, .varint(let raw)):
      return raw == 0 ? Value?.none : .int(Int64(bitPattern: raw))
    case (.bool, .varint(let raw)):
      return raw == 0 ? Value?.none : .bool(true)
    case (.message(let schema), .bytes(let bytes)):
      let decoded = try schema.decode(bytes)
      return decoded.objectValue?.isEmpty == true ? Value?.none : decoded
    case (.stringMap, .bytes(let bytes)), (.stringListMap, .bytes(let bytes)):
      let valueType: FieldType = if case .stringMap = type { .string } else { .message(ProtobufSchema([1: strings("items")])) }
      let entry = try ProtobufSchema([1: string("key"), 2: Field(name: "value", type: valueType)]).decode(bytes)
      let key = entry["key"]?.stringValue ?? ""
      let value: Value = if case .stringMap = type { entry["value"] ?? "" } else { entry[path: ["value", "items"]] ?? [] }
      return [key: value]
    case (.quantity, .bytes(let bytes)):
      return try ProtobufSchema([1: string("string")]).decode(bytes)["string"]
    case (.time, .bytes(let bytes)):
      let time = try ProtobufSchema([1: int("seconds"), 2: int("nanos")]).decode(bytes)
      guard let seconds = time["seconds"]?.intValue else { return nil }
      return .string(SimInstant(sinceEpoch: .seconds(seconds - SimInstant.epochUnixSeconds)).rfc3339)
    default:
      throw ProtobufReader.Malformed(message: "field \(field) has an unexpected wire type")
    }
  }
}
