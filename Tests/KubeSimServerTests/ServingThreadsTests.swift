import Foundation
import KubeSimServer
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A served cluster answers like a separate process: while every thread of Swift's cooperative
/// pool is blocked (a test waiting on a subprocess, a libgit2 fetch), a client still gets its
/// answer. Before the server had threads of its own, this request waited until the pool freed
/// up, and a client with a timeout failed.
@Suite struct ServingThreadsTests {
  @Test func answersWhileEveryCooperativeThreadIsBlocked() async throws {
    try await ServerFixtures.withServer(tls: false, speed: 0) { _, endpoint, _ in
      let width = ProcessInfo.processInfo.activeProcessorCount
      let port = endpoint.port
      let answer = await Kubectl.offPool { () -> String?? in
        // Other suites hold pool threads too: an attempt that cannot block every thread within
        // a second gives its threads back at once, so this test never starves the others.
        for _ in 0..<120 {
          let attempt = BlockingAttempt()
          for _ in 0..<width { Task.detached { attempt.block() } }
          let start = Date()
          while attempt.blocked < width, Date().timeIntervalSince(start) < 1 { usleep(1_000) }
          guard attempt.blocked == width else {
            attempt.abandon()
            usleep(200_000)
            continue
          }
          let answer = RawHTTP.get(port: port, path: "/api/v1/namespaces/llm", timeoutSeconds: 10)
          attempt.abandon()
          return .some(answer)
        }
        return .none
      }
      guard case .some(let answer) = answer else {
        Issue.record("the cooperative pool was never free enough to block every thread at once")
        return
      }
      #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "answer: \(answer ?? "none within 10 s")")
    }
  }
}

/// Pool threads blocked for one attempt. A blocker that starts after the attempt was abandoned
/// returns at once; one that blocked before is released by `abandon`.
final class BlockingAttempt: Sendable {
  private let state = Mutex((blocked: 0, abandoned: false))
  private let release = DispatchSemaphore(value: 0)

  var blocked: Int { state.withLock { $0.blocked } }

  func block() {
    let go = state.withLock { state in
      if state.abandoned { return false }
      state.blocked += 1
      return true
    }
    if go { release.wait() }
  }

  func abandon() {
    let count = state.withLock { state in
      state.abandoned = true
      return state.blocked
    }
    for _ in 0..<count { release.signal() }
  }
}

/// One HTTP/1.1 GET over a plain socket with a receive timeout: no Swift concurrency, no
/// Foundation networking, so nothing in the client itself needs the cooperative pool.
enum RawHTTP {
  static func get(port: Int, path: String, timeoutSeconds: Int) -> String? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
    guard send(fd, request, request.count, 0) == request.count else { return nil }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = recv(fd, &buffer, buffer.count, 0)
      if count <= 0 { break }
      received += buffer[0..<count]
    }
    return received.isEmpty ? nil : String(decoding: received, as: UTF8.self)
  }
}
