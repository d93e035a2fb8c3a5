import Foundation
import Manifest
import Synchronization

/// A scripted HTTP(S) server for transport tests: a python3 process on a free loopback port
/// answering each route with its responses in turn (the last repeats). It records every
/// request it sees (method, path, query, headers, body, client port, client certificate CN)
/// and can hold a streamed body at a gate until the test opens it.
final class StubServer: @unchecked Sendable {
  let directory: URL
  let port: Int
  let scheme: String
  private let process: Process

  var url: String { "\(scheme)://127.0.0.1:\(port)" }

  struct TLSFiles {
    var certificate: String
    var key: String
    var clientCA: String?
  }

  private init(routes: [Value], tls: TLSFiles? = nil) throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("stub-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var script: Value = ["routes": .array(routes)]
    if let tls {
      var t: Value = ["cert": .string(tls.certificate), "key": .string(tls.key)]
      if let ca = tls.clientCA { t["clientCA"] = .string(ca) }
      script["tls"] = t
    }
    try JSON.string(script).write(
      to: directory.appendingPathComponent("script.json"), atomically: true, encoding: .utf8)
    let program = directory.appendingPathComponent("stub.py")
    try Self.python.write(to: program, atomically: true, encoding: .utf8)
    scheme = tls == nil ? "http" : "https"
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", program.path, directory.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = Pipe()
    process.standardError = FileHandle.nullDevice
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
      kill(process.processIdentifier, SIGKILL)
      throw StubError.didNotStart
    }
    self.port = port
  }

  enum StubError: Error { case didNotStart }

  /// Starts the server on its own thread: waiting for python to come up must not hold a
  /// thread of the cooperative pool, which the servers under test need too.
  static func start(routes: [Value], tls: TLSFiles? = nil) async throws -> StubServer {
    try await withCheckedThrowingContinuation { continuation in
      Thread {
        continuation.resume(with: Result { try StubServer(routes: routes, tls: tls) })
      }.start()
    }
  }

  deinit {
    // SIGKILL: the child may have inherited a mask that blocks SIGTERM.
    kill(process.processIdentifier, SIGKILL)
    try? FileManager.default.removeItem(at: directory)
  }

  /// Every request so far, in arrival order.
  func requests() throws -> [Value] {
    let path = directory.appendingPathComponent("requests.jsonl")
    guard let text = try? String(contentsOf: path, encoding: .utf8) else { return [] }
    return try text.split(separator: "\n").map { try JSON.parse(String($0)) }
  }

  func requests(_ method: String, _ path: String) throws -> [Value] {
    try requests().filter { $0["method"]?.stringValue == method && $0["path"]?.stringValue == path }
  }

  func open(gate: String) throws {
    try Data().write(to: directory.appendingPathComponent("gate-\(gate)"))
  }

  static func route(_ method: String, _ path: String, query: String? = nil, _ responses: [Value]) -> Value {
    var route: Value = ["method": .string(method), "path": .string(path), "responses": .array(responses)]
    if let query { route["query"] = .string(query) }
    return route
  }

  static func reply(_ status: Int, _ body: Value = [:], headers: [String: String] = [:]) -> Value {
    var headerValue: Value = [:]
    for (k, v) in headers.sorted(by: { $0.key < $1.key }) { headerValue[k] = .string(v) }
    return ["status": .int(Int64(status)), "body": body, "headers": headerValue]
  }

  static let reset: Value = ["reset": true]

  static func stream(_ steps: [Value], status: Int = 200) -> Value {
    ["status": .int(Int64(status)), "stream": .array(steps)]
  }

  static let python = #"""
    import json, os, signal, socket, ssl, struct, sys, threading, time

    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    # Die with the test process even if it is killed before it can stop us.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    workdir = sys.argv[1]
    script = json.load(open(os.path.join(workdir, "script.json")))
    routes = script["routes"]
    lock = threading.Lock()
    log = open(os.path.join(workdir, "requests.jsonl"), "a")

    def pick(method, path, query):
        with lock:
            for route in routes:
                if route.get("method", method) != method or route["path"] != path:
                    continue
                if "query" in route and route["query"] not in query:
                    continue
                responses = route["responses"]
                return responses.pop(0) if len(responses) > 1 else responses[0]
        return {"status": 404, "body": {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404, "message": "no stub route for " + method + " " + path}}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args):
            pass

        def handle_any(self):
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace") if length else None
            peer = None
            if isinstance(self.connection, ssl.SSLSocket):
                cert = self.connection.getpeercert()
                if cert:
                    for rdn in cert.get("subject", ()):
                        for key, value in rdn:
                            if key == "commonName":
                                peer = value
            record = {"method": self.command, "path": path, "query": query, "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body, "clientPort": self.client_address[1], "peerCN": peer}
            with lock:
                log.write(json.dumps(record) + "\n")
                log.flush()
            response = pick(self.command, path, query)
            if response.get("reset"):
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            status = response.get("status", 200)
            headers = response.get("headers", {})
            if "stream" in response:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Transfer-Encoding", "chunked")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.flush()
                for step in response["stream"]:
                    if "line" in step:
                        data = (step["line"] if isinstance(step["line"], str) else json.dumps(step["line"])) + "\n"
                        data = data.encode()
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                        self.wfile.flush()
                    elif "wait" in step:
                        gate = os.path.join(workdir, "gate-" + step["wait"])
                        deadline = time.time() + 10
                        while not os.path.exists(gate) and time.time() < deadline:
                            time.sleep(0.01)
                        if not os.path.exists(gate):
                            data = b"GATE-TIMEOUT\n"
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                            self.wfile.flush()
                    elif "reset" in step:
                        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self.connection.close()
                        self.close_connection = True
                        return
                    elif "end" in step:
                        self.wfile.write(b"0\r\n\r\n")
                        self.wfile.flush()
                        return
                # Steps ran out without an end: drop the connection mid-body.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if response.get("sleep"):
                time.sleep(response["sleep"])
            payload = response.get("body", "")
            payload = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            self.send_response(status)
            self.send_header("Content-Type", response.get("contentType", "application/json"))
            self.send_header("Content-Length", str(len(payload)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tls = script.get("tls")
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls["cert"], tls["key"])
        if tls.get("clientCA"):
            context.verify_mode = ssl.CERT_OPTIONAL
            context.load_verify_locations(tls["clientCA"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}
