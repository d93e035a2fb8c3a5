import Foundation
import Kube
import Testing

/// A scratch directory for kubeconfig files, tokens and plugin scripts, removed at the end.
final class KubeConfigScratch {
  let root: String

  init() throws {
    root = FileManager.default.temporaryDirectory
      .appendingPathComponent("kubeconfig-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(atPath: root) }

  func path(_ relative: String) -> String { root + "/" + relative }

  @discardableResult
  func write(_ relative: String, _ text: String, executable: Bool = false) throws -> String {
    let full = path(relative)
    try FileManager.default.createDirectory(
      atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: full, atomically: true, encoding: .utf8)
    if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full) }
    return full
  }

  func read(_ relative: String) -> String? {
    try? String(contentsOfFile: path(relative), encoding: .utf8)
  }

  /// How many lines a plugin appended to its counter file: its number of runs.
  func count(_ relative: String) -> Int {
    (read(relative) ?? "").split(separator: "\n").count
  }
}

/// A clock the test moves by hand.
final class CredentialTestClock: @unchecked Sendable {
  private let lock = NSLock()
  private var current: Date

  init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) { current = start }

  var now: Date { lock.withLock { current } }
  func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }
  var closure: @Sendable () -> Date { { self.now } }
}

enum TestPEM {
  static let ca = "-----BEGIN CERTIFICATE-----\nQ0EgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
  static let cert = "-----BEGIN CERTIFICATE-----\nY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n"
  static let key = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n"

  static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }
}

/// The error a throwing call raised, or nil when it succeeded.
/// Any other error type is reported as a test issue.
func thrownKubeError<T>(_ body: () throws -> T) -> KubeError? {
  do {
    _ = try body()
    return nil
  } catch let error as KubeError {
    return error
  } catch {
    Issue.record("expected a KubeError, got \(error)")
    return nil
  }
}

func thrownKubeError<T>(_ body: () async throws -> T) async -> KubeError? {
  do {
    _ = try await body()
    return nil
  } catch let error as KubeError {
    return error
  } catch {
    Issue.record("expected a KubeError, got \(error)")
    return nil
  }
}

extension KubeError {
  /// The message of a `.configuration` error; nil for other cases so tests catch a wrong case.
  var configurationMessage: String? {
    if case .configuration(let message) = self { return message }
    return nil
  }
}
