import CCurl
import Foundation

/// libcurl's process-wide setup, done once before the first handle exists.
enum CurlGlobal {
  static let initialized: Bool = release_curl_global_init_default() == CURLE_OK
}

/// Owns one curl easy handle. A handle keeps its connection cache across `reset`, so handing
/// the same handle to the next request reuses the open (TLS) connection. Used by one thread
/// at a time: the pool hands it out exclusively.
final class CurlEasy: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  init?() {
    guard CurlGlobal.initialized, let handle = curl_easy_init() else { return nil }
    self.handle = handle
  }

  deinit { curl_easy_cleanup(handle) }

  /// Runs `request` to completion on the calling (dedicated, blocking) thread, reporting the
  /// head and body chunks to `transfer` as they arrive.
  func perform(_ request: HTTPRequest, configuration: TransportConfiguration, streaming: Bool, transfer: Transfer)
    -> TransportError?
  {
    curl_easy_reset(handle)
    var headerList: UnsafeMutablePointer<curl_slist>?
    var connectTo: UnsafeMutablePointer<curl_slist>?
    defer {
      curl_slist_free_all(headerList)
      curl_slist_free_all(connectTo)
    }
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    guard let target = RequestTarget(url: request.url, tlsServerName: configuration.tlsServerName) else {
      return TransportError(.other, "invalid URL \(request.url)")
    }
    for header in request.headers { headerList = curl_slist_append(headerList, "\(header.name): \(header.value)") }
    if let host = target.hostHeader { headerList = curl_slist_append(headerList, "Host: \(host)") }
    // Without this curl waits for a 100-continue before sending larger bodies.
    headerList = curl_slist_append(headerList, "Expect:")
    if let entry = target.connectTo { connectTo = curl_slist_append(connectTo, entry) }

    let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errors in
      let opaque = Unmanaged.passUnretained(transfer).toOpaque()
      release_curl_setopt_string(handle, CURLOPT_URL, target.url)
      release_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
      release_curl_setopt_long(handle, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
      release_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
      release_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
      release_curl_setopt_string(handle, CURLOPT_USERAGENT, configuration.userAgent)
      release_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
      release_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
      if streaming {
        // No overall limit for a watch; a peer silent for too long counts as gone.
        let idle = max(1, configuration.streamIdleTimeout.milliseconds / 1000)
        release_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        release_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, idle)
      } else {
        let timeout = request.timeout ?? configuration.requestTimeout
        release_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, timeout.milliseconds))
      }
      switch request.method {
      case "GET": release_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
      case "HEAD": release_curl_setopt_long(handle, CURLOPT_NOBODY, 1)
      default: release_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
      }
      if let body = request.body {
        release_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
        body.withUnsafeBytes { bytes in
          // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes, so the body may hold any byte.
          let pointer = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
          release_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: pointer))
        }
      }
      if !request.isIdempotent { release_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1) }
      release_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
      if connectTo != nil { release_curl_setopt_slist(handle, CURLOPT_CONNECT_TO, connectTo) }
      configureTLS(configuration, identity: request.clientIdentity)
      release_curl_setopt_write_callback(handle, curlWrite)
      release_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, opaque)
      release_curl_setopt_header_callback(handle, curlHeader)
      release_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, opaque)
      release_curl_setopt_xferinfo_callback(handle, curlProgress)
      release_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, opaque)
      release_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
      let code = curl_easy_perform(handle)
      release_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, nil)
      return code
    }
    if code == CURLE_OK { return nil }
    let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let summary = String(cString: curl_easy_strerror(code))
    let message = "\(request.method) \(target.displayURL): \(detail.isEmpty ? summary : detail)"
    return TransportError(Self.kind(of: code, cancelled: transfer.isCancelled), message)
  }

  private func configureTLS(_ configuration: TransportConfiguration, identity: ClientIdentity?) {
    if let ca = configuration.certificateAuthorityPEM { setBlob(CURLOPT_CAINFO_BLOB, ca) }
    if configuration.insecureSkipTLSVerify {
      release_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
      release_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
    }
    if let identity {
      setBlob(CURLOPT_SSLCERT_BLOB, identity.certificatePEM)
      release_curl_setopt_string(handle, CURLOPT_SSLCERTTYPE, "PEM")
      setBlob(CURLOPT_SSLKEY_BLOB, identity.keyPEM)
      release_curl_setopt_string(handle, CURLOPT_SSLKEYTYPE, "PEM")
    }
  }

  /// CURL_BLOB_COPY: curl keeps its own copy, so the bytes need not outlive the call.
  private func setBlob(_ option: CURLoption, _ data: Data) {
    data.withUnsafeBytes { bytes in
      var blob = curl_blob(
        data: UnsafeMutableRawPointer(mutating: bytes.baseAddress), len: bytes.count, flags: release_curl_blob_copy())
      _ = release_curl_setopt_blob(handle, option, &blob)
    }
  }

  static func kind(of code: CURLcode, cancelled: Bool) -> TransportError.Kind {
    if cancelled { return .cancelled }
    switch code {
    case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .couldNotConnect
    case CURLE_OPERATION_TIMEDOUT: return .timedOut
    case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM:
      return .connectionLost
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
      CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
      CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED:
      return .tls
    case CURLE_ABORTED_BY_CALLBACK, CURLE_WRITE_ERROR: return .cancelled
    default: return .other
    }
  }
}

/// Where curl connects versus what it verifies. With a TLS server name the URL names that
/// host (so SNI and certificate checks use it) while CONNECT_TO sends the bytes to the real
/// host and the Host header still names it, as client-go's `tls-server-name` behaves.
struct RequestTarget {
  var url: String
  var connectTo: String?
  var hostHeader: String?
  var displayURL: String

  init?(url: String, tlsServerName: String?) {
    guard var components = URLComponents(string: url), let host = components.host, let scheme = components.scheme
    else { return nil }
    var display = components
    display.query = nil
    displayURL = display.string ?? url
    guard let serverName = tlsServerName, !serverName.isEmpty, scheme == "https", serverName != host else {
      self.url = url
      return
    }
    let port = components.port ?? 443
    let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    components.host = serverName
    guard let rewritten = components.string else { return nil }
    self.url = rewritten
    connectTo = "\(serverName):\(port):\(bracketed):\(port)"
    hostHeader = components.port == nil ? bracketed : "\(bracketed):\(port)"
  }
}

/// Per-request state the C callbacks see through their user pointer. Touched only by the
/// thread running the transfer, except `cancel()`, which any thread may call.
final class Transfer: @unchecked Sendable {
  private let cancelFlag = CancelFlag()
  private var status = 0
  private var headers: [HTTPHeader] = []
  private(set) var head: HTTPResponseHead?
  private let onHead: (HTTPResponseHead) -> Void
  private let onBody: (Data) -> Void

  init(onHead: @escaping (HTTPResponseHead) -> Void, onBody: @escaping (Data) -> Void) {
    self.onHead = onHead
    self.onBody = onBody
  }

  var isCancelled: Bool { cancelFlag.isSet }
  func cancel() { cancelFlag.set() }

  func headerLine(_ line: String) {
    let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("HTTP/") {
      let parts = trimmed.split(separator: " ", maxSplits: 2)
      status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
      headers = []
    } else if trimmed.isEmpty {
      // 1xx interim responses end with a blank line too; only a final status is the head.
      if status >= 200 { deliverHead() }
    } else if let colon = trimmed.firstIndex(of: ":") {
      let name = String(trimmed[..<colon])
      let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      headers.append(HTTPHeader(name, value))
    }
  }

  func bodyChunk(_ data: Data) {
    deliverHead()
    onBody(data)
  }

  private func deliverHead() {
    guard head == nil else { return }
    let head = HTTPResponseHead(status: status, headers: headers)
    self.head = head
    onHead(head)
  }
}

private let curlWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
  pointer, size, count, user in
  guard let user else { return 0 }
  let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
  if transfer.isCancelled { return 0 }
  let length = size * count
  if let pointer, length > 0 { transfer.bodyChunk(Data(bytes: pointer, count: length)) }
  return length
}

private let curlHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
  pointer, size, count, user in
  guard let user else { return 0 }
  let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
  if transfer.isCancelled { return 0 }
  let length = size * count
  if let pointer {
    let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
    transfer.headerLine(String(decoding: bytes, as: UTF8.self))
  }
  return length
}

private let curlProgress:
  @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
    -> Int32 = { user, _, _, _, _ in
      guard let user else { return 0 }
      // Called about once a second even while idle, so an abandoned watch stops promptly.
      return Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue().isCancelled ? 1 : 0
    }
