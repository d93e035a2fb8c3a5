/// One protobuf message of Kubernetes' encoding as the decoder needs it: for each field number
/// its JSON name and type. Built from `UpstreamMessages.table` (upstream's generated.proto files).
struct MessageSchema: Sendable {
  enum Scalar: String, Sendable {
    case string, bytes, bool, int32, int64, uint32, uint64, sint32, sint64, fixed32, fixed64, double, float
  }

  indirect enum FieldType: Sendable {
    case scalar(Scalar)
    /// A message, by its full name (`k8s.io.api.core.v1.PodSpec`).
    case message(String)
    /// `map<key, value>`: on the wire, one entry message (key 1, value 2) per occurrence.
    case map(key: Scalar, value: FieldType)
  }

  struct Field: Sendable {
    var number: Int
    var name: String
    var type: FieldType
    var repeated: Bool
    /// An embedded Go struct (`LocalObjectReference`, `VolumeSource`, `ProbeHandler`): a field
    /// in protobuf, but in JSON its fields sit in the parent object.
    var inline: Bool
  }

  var name: String
  var fields: [Int: Field]

  /// The field type a table entry names: `int32`, `.pkg.Message`, `[]T` (repeated), `{K}V` (map).
  static func parse(_ text: Substring) -> (type: FieldType, repeated: Bool)? {
    if text.hasPrefix("[]") {
      return parse(text.dropFirst(2)).map { ($0.type, true) }
    }
    if text.hasPrefix("{"), let close = text.firstIndex(of: "}") {
      guard let key = Scalar(rawValue: String(text[text.index(after: text.startIndex)..<close])),
        let value = parse(text[text.index(after: close)...])
      else { return nil }
      return (.map(key: key, value: value.type), false)
    }
    if text.hasPrefix(".") { return (.message(String(text.dropFirst())), false) }
    return Scalar(rawValue: String(text)).map { (.scalar($0), false) }
  }
}
