internal import CZlib
internal import Foundation

/// zlib compression for release records, as Helm compresses its release Secrets: rendered
/// manifests compress about tenfold, which keeps records far below the 1 MiB object limit.
enum RecordCodec {
  /// Inflated records larger than this are refused: a record is data from the cluster.
  static let maximumInflatedSize = 64 << 20

  static func compress(_ bytes: [UInt8]) -> [UInt8] {
    var size = compressBound(uLong(bytes.count))
    var output = [UInt8](repeating: 0, count: Int(size))
    let result = output.withUnsafeMutableBufferPointer { out in
      bytes.withUnsafeBufferPointer { input in
        compress2(out.baseAddress, &size, input.baseAddress, uLong(bytes.count), Z_BEST_COMPRESSION)
      }
    }
    // compress2 fails only for lack of memory or a too-small buffer, which compressBound rules out.
    precondition(result == Z_OK, "zlib compress2 failed: \(result)")
    return Array(output.prefix(Int(size)))
  }

  static func decompress(_ bytes: [UInt8]) -> [UInt8]? {
    var capacity = max(4096, bytes.count * 8)
    while capacity <= maximumInflatedSize {
      var size = uLong(capacity)
      var output = [UInt8](repeating: 0, count: capacity)
      let result = output.withUnsafeMutableBufferPointer { out in
        bytes.withUnsafeBufferPointer { input in uncompress(out.baseAddress, &size, input.baseAddress, uLong(bytes.count)) }
      }
      if result == Z_OK { return Array(output.prefix(Int(size))) }
      if result != Z_BUF_ERROR { return nil }
      capacity *= 4
    }
    return nil
  }
}
