/// The protobuf wire format, field by field: varints, 64- and 32-bit words and
/// length-delimited payloads (strings, bytes, nested messages, packed lists).
struct ProtobufReader {
  enum Payload {
    case varint(UInt64)
    case fixed64(UInt64)
    case bytes(ArraySlice<UInt8>)
    case fixed32(UInt32)
  }

  struct Malformed: Error {
    var message: String
  }

  private let bytes: ArraySlice<UInt8>
  private var index: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    index = bytes.startIndex
  }

  var atEnd: Bool { index >= bytes.endIndex }

  /// The next field's number and payload; nil at the end of the message.
  mutating func next() throws(Malformed) -> (number: Int, payload: Payload)? {
    if atEnd { return nil }
    let key = try varint()
    let number = Int(key >> 3)
    guard number > 0 else { throw Malformed(message: "field number 0 at byte \(index - bytes.startIndex)") }
    switch key & 7 {
    case 0: return (number, .varint(try varint()))
    case 1: return (number, .fixed64(UInt64(littleEndian: try word(8))))
    case 2:
      let length = try varint()
      guard length <= UInt64(bytes.endIndex - index) else { throw Malformed(message: "field \(number) runs past the end of the message") }
      let start = index
      index += Int(length)
      return (number, .bytes(bytes[start..<index]))
    case 5: return (number, .fixed32(UInt32(truncatingIfNeeded: try word(4))))
    case let type: throw Malformed(message: "field \(number) has wire type \(type), which Kubernetes messages do not use")
    }
  }

  private mutating func varint() throws(Malformed) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while index < bytes.endIndex {
      let byte = bytes[index]
      index += 1
      result |= UInt64(byte & 0x7F) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
      if shift >= 64 { break }
    }
    throw Malformed(message: "a varint is cut off or too long")
  }

  private mutating func word(_ size: Int) throws(Malformed) -> UInt64 {
    guard bytes.endIndex - index >= size else { throw Malformed(message: "a fixed-size field is cut off") }
    var result: UInt64 = 0
    for offset in 0..<size { result |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
    index += size
    return result
  }
}
