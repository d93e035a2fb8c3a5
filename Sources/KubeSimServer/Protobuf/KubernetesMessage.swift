import Foundation
import KubeSim
import Manifest
import SwiftProtobuf

/// Any Kubernetes message, decoded by swift-protobuf's binary decoder into the object's JSON
/// form, field by field as its `MessageSchema` says. swift-protobuf does the wire format
/// (varints, packed and unpacked repeated fields, skipping unknown fields, refusing truncated
/// input); this type says what each field is and how Kubernetes writes it in JSON.
///
/// Go's `omitempty` leaves empty strings, zeros and false out of the JSON form, while
/// gogo-protobuf writes a non-pointer scalar always: such values are left out here too (inside
/// maps and lists they are kept). A pointer field explicitly set to its zero value is therefore
/// read as unset, the one place the two encodings cannot be told apart. A nested message on the
/// wire is kept even when empty: Go writes a struct field, pointer or not, as `{}`.
struct KubernetesMessage: SwiftProtobuf.Message {
  static let protoMessageName = "k8s.io.KubernetesMessage"
  /// Nested messages decode with decoders of their own, so swift-protobuf's depth limit does not
  /// see the nesting; this one does.
  static let depthLimit = 64

  var unknownFields = UnknownStorage()
  /// Set before `merge(serializedBytes:)`: what the bytes are.
  var schema = MessageSchema(name: "", fields: [:])
  var depth = 0
  /// The decoded object, in field-number order of arrival.
  private(set) var object: Value = [:]

  init() {}

  init(schema: MessageSchema, bytes: Data, depth: Int = 0) throws {
    guard depth < Self.depthLimit else { throw BinaryDecodingError.messageDepthLimit }
    self.schema = schema
    self.depth = depth
    try merge(serializedBytes: bytes)
  }

  /// The message's JSON value: an object, or what Kubernetes writes for its special types; nil
  /// when the field is better left out (a zero IntOrString, an empty RawExtension).
  var json: Value? { KubernetesMessage.special(schema.name, object) ?? object }

  mutating func decodeMessage<D: SwiftProtobuf.Decoder>(decoder: inout D) throws {
    while let number = try decoder.nextFieldNumber() {
      // Unknown fields are skipped (kept by swift-protobuf as unknown), as upstream's decoder does.
      guard let field = schema.fields[number] else { continue }
      if field.repeated {
        let values = try decodeRepeated(field, &decoder)
        guard !values.isEmpty else { continue }
        object[field.name] = .array((object[field.name]?.arrayValue ?? []) + values)
        continue
      }
      switch field.type {
      case .map(let key, let value):
        var entries: [Data] = []
        try decoder.decodeRepeatedBytesField(value: &entries)
        var map = object[field.name]?.objectValue ?? [:]
        let entry = MessageSchema(
          name: "", fields: [
            1: .init(number: 1, name: "key", type: .scalar(key), repeated: false, inline: false),
            2: .init(number: 2, name: "value", type: value, repeated: false, inline: false),
          ])
        for bytes in entries {
          let decoded = try KubernetesMessage(schema: entry, bytes: bytes, depth: depth + 1)
          let name = decoded.object["key"].map(Self.text) ?? ""
          map[name] = decoded.object["value"] ?? Self.zero(value)
        }
        object[field.name] = .object(map)
      case .message(let name):
        guard let value = try decodeMessage(name, &decoder) else { continue }
        if field.inline, let embedded = value.objectValue {
          for (key, child) in embedded { object[key] = child }
        } else {
          object[field.name] = value
        }
      case .scalar(let scalar):
        guard let value = try Self.decodeScalar(scalar, &decoder), !Self.isZero(value) else { continue }
        object[field.name] = value
      }
    }
  }

  private func decodeMessage<D: SwiftProtobuf.Decoder>(_ name: String, _ decoder: inout D) throws -> Value? {
    var bytes: Data?
    try decoder.decodeSingularBytesField(value: &bytes)
    guard let bytes else { return nil }
    return try Self.message(name, bytes: bytes, depth: depth + 1)
  }

  static func message(_ name: String, bytes: Data, depth: Int) throws -> Value? {
    guard let schema = UpstreamMessages.schemas[name] else { throw KubernetesMessageError.unknownMessage(name) }
    return try KubernetesMessage(schema: schema, bytes: bytes, depth: depth).json
  }

  private func decodeRepeated<D: SwiftProtobuf.Decoder>(_ field: MessageSchema.Field, _ decoder: inout D) throws -> [Value] {
    switch field.type {
    case .message(let name):
      var all: [Data] = []
      try decoder.decodeRepeatedBytesField(value: &all)
      // An element is kept even when empty: a list's length is data.
      return try all.map { try Self.message(name, bytes: $0, depth: depth + 1) ?? [:] }
    case .scalar(let scalar):
      return try Self.decodeRepeatedScalar(scalar, &decoder)
    case .map:
      throw KubernetesMessageError.unknownMessage("repeated map \(field.name)")
    }
  }

  // MARK: - Scalars

  static func decodeScalar<D: SwiftProtobuf.Decoder>(_ scalar: MessageSchema.Scalar, _ decoder: inout D) throws -> Value? {
    switch scalar {
    case .string:
      var value: String?
      try decoder.decodeSingularStringField(value: &value)
      return value.map(Value.string)
    case .bytes:
      var value: Data?
      try decoder.decodeSingularBytesField(value: &value)
      return value.map { .string($0.base64EncodedString()) }
    case .bool:
      var value: Bool?
      try decoder.decodeSingularBoolField(value: &value)
      return value.map(Value.bool)
    case .int32:
      var value: Int32?
      try decoder.decodeSingularInt32Field(value: &value)
      return value.map { .int(Int64($0)) }
    case .int64:
      var value: Int64?
      try decoder.decodeSingularInt64Field(value: &value)
      return value.map(Value.int)
    case .uint32:
      var value: UInt32?
      try decoder.decodeSingularUInt32Field(value: &value)
      return value.map { .int(Int64($0)) }
    case .uint64:
      var value: UInt64?
      try decoder.decodeSingularUInt64Field(value: &value)
      return value.map { .int(Int64(bitPattern: $0)) }
    case .sint32:
      var value: Int32?
      try decoder.decodeSingularSInt32Field(value: &value)
      return value.map { .int(Int64($0)) }
    case .sint64:
      var value: Int64?
      try decoder.decodeSingularSInt64Field(value: &value)
      return value.map(Value.int)
    case .fixed32:
      var value: UInt32?
      try decoder.decodeSingularFixed32Field(value: &value)
      return value.map { .int(Int64($0)) }
    case .fixed64:
      var value: UInt64?
      try decoder.decodeSingularFixed64Field(value: &value)
      return value.map { .int(Int64(bitPattern: $0)) }
    case .double:
      var value: Double?
      try decoder.decodeSingularDoubleField(value: &value)
      return value.map(Value.float)
    case .float:
      var value: Float?
      try decoder.decodeSingularFloatField(value: &value)
      return value.map { .float(Double($0)) }
    }
  }

  static func decodeRepeatedScalar<D: SwiftProtobuf.Decoder>(_ scalar: MessageSchema.Scalar, _ decoder: inout D) throws -> [Value] {
    switch scalar {
    case .string:
      var values: [String] = []
      try decoder.decodeRepeatedStringField(value: &values)
      return values.map(Value.string)
    case .bytes:
      var values: [Data] = []
      try decoder.decodeRepeatedBytesField(value: &values)
      return values.map { .string($0.base64EncodedString()) }
    case .bool:
      var values: [Bool] = []
      try decoder.decodeRepeatedBoolField(value: &values)
      return values.map(Value.bool)
    case .int32, .sint32:
      var values: [Int32] = []
      if scalar == .int32 { try decoder.decodeRepeatedInt32Field(value: &values) } else { try decoder.decodeRepeatedSInt32Field(value: &values) }
      return values.map { .int(Int64($0)) }
    case .int64, .sint64:
      var values: [Int64] = []
      if scalar == .int64 { try decoder.decodeRepeatedInt64Field(value: &values) } else { try decoder.decodeRepeatedSInt64Field(value: &values) }
      return values.map(Value.int)
    case .uint32, .fixed32:
      var values: [UInt32] = []
      if scalar == .uint32 { try decoder.decodeRepeatedUInt32Field(value: &values) } else { try decoder.decodeRepeatedFixed32Field(value: &values) }
      return values.map { .int(Int64($0)) }
    case .uint64, .fixed64:
      var values: [UInt64] = []
      if scalar == .uint64 { try decoder.decodeRepeatedUInt64Field(value: &values) } else { try decoder.decodeRepeatedFixed64Field(value: &values) }
      return values.map { .int(Int64(bitPattern: $0)) }
    case .double:
      var values: [Double] = []
      try decoder.decodeRepeatedDoubleField(value: &values)
      return values.map(Value.float)
    case .float:
      var values: [Float] = []
      try decoder.decodeRepeatedFloatField(value: &values)
      return values.map { .float(Double($0)) }
    }
  }

  static func isZero(_ value: Value) -> Bool {
    switch value {
    case .string(let text): return text.isEmpty
    case .int(let number): return number == 0
    case .float(let number): return number == 0
    case .bool(let flag): return !flag
    default: return false
    }
  }

  /// A map entry without a value holds the value type's zero (`"key": ""`).
  static func zero(_ type: MessageSchema.FieldType) -> Value {
    switch type {
    case .scalar(.string), .scalar(.bytes): return ""
    case .scalar(.bool): return false
    case .scalar(.double), .scalar(.float): return .float(0)
    case .scalar: return 0
    case .message(let name): return (special(name, [:]) ?? [:]) ?? .null
    case .map: return [:]
    }
  }

  static func text(_ value: Value) -> String {
    switch value {
    case .string(let text): return text
    case .int(let number): return String(number)
    default: return JSON.string(value)
    }
  }

  // MARK: - Types with a JSON form of their own

  /// apimachinery's types whose JSON is not an object of their fields (Go's MarshalJSON).
  /// The outer nil: not a special type. The inner nil: leave the field out.
  static func special(_ name: String, _ object: Value) -> Value?? {
    switch name {
    case "k8s.io.apimachinery.pkg.api.resource.Quantity":
      return .some(object["string"] ?? "0")
    case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
      // A non-pointer IntOrString is always on the wire; zero means unset (a Service port's
      // targetPort then defaults to its port).
      let value = object["type"]?.intValue == 1 ? object["strVal"] : object["intVal"]
      return .some(value)
    case "k8s.io.apimachinery.pkg.apis.meta.v1.Time", "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime":
      // Go writes the zero time as null.
      guard let seconds = object["seconds"]?.intValue else { return .some(.null) }
      return .some(.string(SimInstant(sinceEpoch: .seconds(seconds - SimInstant.epochUnixSeconds)).rfc3339))
    case "k8s.io.apimachinery.pkg.apis.meta.v1.Duration":
      return .some(.string(goDuration(nanoseconds: object["duration"]?.intValue ?? 0)))
    case "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1", "k8s.io.apimachinery.pkg.runtime.RawExtension":
      // Raw JSON, carried as bytes (base64 once decoded as bytes); what is not JSON stays base64.
      guard let encoded = (object["Raw"] ?? object["raw"])?.stringValue, let raw = Data(base64Encoded: encoded) else { return .some(nil) }
      do {
        return .some(try JSON.parse(bytes: [UInt8](raw)))
      } catch {
        return .some(.string(encoded))
      }
    default:
      // `Verbs`, `ExtraValue` and the like: a list in JSON, a message of one repeated string in protobuf.
      if let schema = UpstreamMessages.schemas[name], schema.fields.count == 1, let only = schema.fields[1], only.name == "items",
        only.repeated, case .scalar(.string) = only.type
      {
        return .some(object["items"] ?? [])
      }
      return nil
    }
  }

  /// Go's `time.Duration.String()`: `1h2m3s`, `1.5s`, `0s`.
  static func goDuration(nanoseconds: Int64) -> String {
    if nanoseconds == 0 { return "0s" }
    let sign = nanoseconds < 0 ? "-" : ""
    let total = nanoseconds.magnitude
    let hours = total / 3_600_000_000_000
    let minutes = total / 60_000_000_000 % 60
    let seconds = Double(total % 60_000_000_000) / 1e9
    var text = sign
    if hours > 0 { text += "\(hours)h" }
    if hours > 0 || minutes > 0 { text += "\(minutes)m" }
    let secondsText = seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    return text + secondsText + "s"
  }

  // MARK: - Message conformance (decoding only)

  func traverse<V: SwiftProtobuf.Visitor>(visitor: inout V) throws {
    try unknownFields.traverse(visitor: &visitor)
  }

  func isEqualTo(message: any SwiftProtobuf.Message) -> Bool {
    guard let other = message as? KubernetesMessage else { return false }
    return other.schema.name == schema.name && other.object == object
  }
}

enum KubernetesMessageError: Error, CustomStringConvertible {
  case unknownMessage(String)

  var description: String {
    switch self {
    case .unknownMessage(let name): "no schema for message \(name)"
    }
  }
}
