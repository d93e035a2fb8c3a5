/// Builds a protobuf message field by field (proto3 rules: empty strings, false and zero are
/// not written). Nested messages are written bottom-up: encode the child, then add its bytes.
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  mutating func string(_ number: Int, _ value: String) {
    guard !value.isEmpty else { return }
    message(number, Array(value.utf8))
  }

  mutating func strings(_ number: Int, _ values: [String]) {
    for value in values { message(number, Array(value.utf8)) }
  }

  mutating func bool(_ number: Int, _ value: Bool) {
    guard value else { return }
    key(number, wireType: 0)
    bytes.append(1)
  }

  /// A bool written even when false: in a oneof, its presence says which case it is.
  mutating func presentBool(_ number: Int, _ value: Bool) {
    key(number, wireType: 0)
    bytes.append(value ? 1 : 0)
  }

  mutating func int(_ number: Int, _ value: Int64) {
    guard value != 0 else { return }
    key(number, wireType: 0)
    varint(UInt64(bitPattern: value))
  }

  mutating func double(_ number: Int, _ value: Double) {
    guard value != 0 else { return }
    key(number, wireType: 1)
    let raw = value.bitPattern
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: raw >> UInt64(shift))) }
  }

  /// A length-delimited field: a nested message's bytes, or raw bytes. An empty message is
  /// still written, so presence survives (an empty `AdditionalPropertiesItem` means "any").
  mutating func message(_ number: Int, _ payload: [UInt8]) {
    key(number, wireType: 2)
    varint(UInt64(payload.count))
    bytes.append(contentsOf: payload)
  }

  private mutating func key(_ number: Int, wireType: UInt64) {
    varint(UInt64(number) << 3 | wireType)
  }

  private mutating func varint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }
}
