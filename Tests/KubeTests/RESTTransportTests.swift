import Foundation
import Kube
import Manifest
import Testing

@Suite("libcurl transport")
struct RESTTransportTests {

  @Test func sendsMethodHeadersAndBodyAndReadsTheReply() async throws {
    let server = try await StubServer.start(routes: [
      StubServer.route("POST", "/echo", [StubServer.reply(201, ["ok": true], headers: ["X-Answer": "42"])])
    ])
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let response = try await transport.send(
      HTTPRequest(
        method: "POST", url: "\(server.url)/echo?a=b",
        headers: [HTTPHeader("Content-Type", "application/json"), HTTPHeader("X-Custom", "yes")],
        body: Data(#"{"x":1}"#.utf8)))
    #expect(response.status == 201)
    #expect(response.head.header("x-answer") == "42")
    #expect(try JSON.parse(bytes: Array(response.body)) == ["ok": true])
    let seen = try #require(try server.requests().first)
    #expect(seen["method"] == "POST")
    #expect(seen["query"] == "a=b")
    #expect(seen["body"] == #"{"x":1}"#)
    #expect(seen[path: ["headers", "x-custom"]] == "yes")
    #expect(seen[path: ["headers", "content-type"]] == "application/json")
    #expect(seen[path: ["headers", "expect"]] == nil)
  }

  @Test func reusesTheConnectionForConsecutiveRequests() async throws {
    let server = try await StubServer.start(routes: [StubServer.route("GET", "/x", [StubServer.reply(200)])])
    let transport = try CurlTransport(configuration: TransportConfiguration())
    for _ in 0..<3 { _ = try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/x")) }
    let ports = try server.requests().compactMap { $0["clientPort"]?.intValue }
    #expect(ports.count == 3)
    #expect(Set(ports).count == 1)
  }

  @Test func trustsTheCertificateAuthorityGivenAsPEM() async throws {
    let pki = await TestPKI.load()
    let server = try await StubServer.start(
      routes: [StubServer.route("GET", "/x", [StubServer.reply(200)])], tls: pki.serverFiles)
    let trusted = try CurlTransport(
      configuration: TransportConfiguration(certificateAuthorityPEM: pki.caPEM, tlsServerName: "kube.test"))
    #expect(try await trusted.send(HTTPRequest(method: "GET", url: "\(server.url)/x")).status == 200)

    let untrusted = try CurlTransport(configuration: TransportConfiguration(tlsServerName: "kube.test"))
    let error = await #expect(throws: TransportError.self) {
      try await untrusted.send(HTTPRequest(method: "GET", url: "\(server.url)/x"))
    }
    #expect(error?.kind == .tls)
  }

  @Test func verifiesTheTLSServerNameWhileConnectingToTheRealHost() async throws {
    let pki = await TestPKI.load()
    let server = try await StubServer.start(
      routes: [StubServer.route("GET", "/x", [StubServer.reply(200)])], tls: pki.serverFiles)
    // The certificate names only kube.test, so the bare address fails verification...
    let byAddress = try CurlTransport(configuration: TransportConfiguration(certificateAuthorityPEM: pki.caPEM))
    let error = await #expect(throws: TransportError.self) {
      try await byAddress.send(HTTPRequest(method: "GET", url: "\(server.url)/x"))
    }
    #expect(error?.kind == .tls)
    // ...and naming it verifies against kube.test while the bytes go to 127.0.0.1.
    let byName = try CurlTransport(
      configuration: TransportConfiguration(certificateAuthorityPEM: pki.caPEM, tlsServerName: "kube.test"))
    #expect(try await byName.send(HTTPRequest(method: "GET", url: "\(server.url)/x")).status == 200)
    let host = try server.requests().last?[path: ["headers", "host"]]?.stringValue
    #expect(host == "127.0.0.1:\(server.port)")
  }

  @Test func skipsVerificationWhenInsecure() async throws {
    let pki = await TestPKI.load()
    let server = try await StubServer.start(
      routes: [StubServer.route("GET", "/x", [StubServer.reply(200)])], tls: pki.serverFiles)
    let transport = try CurlTransport(configuration: TransportConfiguration(insecureSkipTLSVerify: true))
    #expect(try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/x")).status == 200)
  }

  @Test func presentsTheClientCertificateFromPEM() async throws {
    let pki = await TestPKI.load()
    let server = try await StubServer.start(
      routes: [StubServer.route("GET", "/x", [StubServer.reply(200)])], tls: pki.serverFiles)
    let transport = try CurlTransport(
      configuration: TransportConfiguration(certificateAuthorityPEM: pki.caPEM, tlsServerName: "kube.test"))
    let identity = ClientIdentity(certificatePEM: pki.clientCertificatePEM, keyPEM: pki.clientKeyPEM)
    _ = try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/x", clientIdentity: identity))
    _ = try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/x"))
    let names = try server.requests().map { $0["peerCN"] }
    #expect(names == ["alice", .null])
  }

  @Test func deliversStreamedLinesAsTheyArrive() async throws {
    let server = try await StubServer.start(routes: [
      StubServer.route(
        "GET", "/watch",
        [StubServer.stream([["line": "first"], ["wait": "second"], ["line": "second"], ["end": true]])])
    ])
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let response = try await transport.stream(HTTPRequest(method: "GET", url: "\(server.url)/watch"))
    #expect(response.head.status == 200)
    var chunks = response.body.makeAsyncIterator()
    // The server holds the second line until the first has been received here.
    let first = try await chunks.next()
    #expect(first.map { String(decoding: $0, as: UTF8.self) } == "first\n")
    try server.open(gate: "second")
    var rest = ""
    while let chunk = try await chunks.next() { rest += String(decoding: chunk, as: UTF8.self) }
    #expect(rest == "second\n")
  }

  @Test func treatsASilentStreamAsLost() async throws {
    let server = try await StubServer.start(routes: [
      StubServer.route("GET", "/watch", [StubServer.stream([["wait": "never"]])])
    ])
    let transport = try CurlTransport(configuration: TransportConfiguration(streamIdleTimeout: .seconds(1)))
    let response = try await transport.stream(HTTPRequest(method: "GET", url: "\(server.url)/watch"))
    #expect(response.head.status == 200)
    var chunks = response.body.makeAsyncIterator()
    let error = await #expect(throws: TransportError.self) { while try await chunks.next() != nil {} }
    #expect(error?.kind == .timedOut)
  }

  @Test func reportsAResetConnectionAsLost() async throws {
    let server = try await StubServer.start(routes: [StubServer.route("GET", "/x", [StubServer.reset])])
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let error = await #expect(throws: TransportError.self) {
      try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/x"))
    }
    #expect(error?.kind == .connectionLost)
  }

  @Test func reportsARefusedConnection() async throws {
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let error = await #expect(throws: TransportError.self) {
      try await transport.send(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(try closedPort())/x"))
    }
    #expect(error?.kind == .couldNotConnect)
  }

  @Test func timesOutASlowReply() async throws {
    let server = try await StubServer.start(routes: [StubServer.route("GET", "/slow", [["status": 200, "sleep": 2]])])
    let transport = try CurlTransport(configuration: TransportConfiguration())
    let error = await #expect(throws: TransportError.self) {
      try await transport.send(HTTPRequest(method: "GET", url: "\(server.url)/slow", timeout: .milliseconds(300)))
    }
    #expect(error?.kind == .timedOut)
  }

  @Test func masksCredentialsInDescriptions() {
    let request = HTTPRequest(
      method: "GET", url: "https://k/api", headers: [HTTPHeader("Authorization", "Bearer s3cr3t-token")],
      clientIdentity: ClientIdentity(certificatePEM: Data("CERT".utf8), keyPEM: Data("PRIVATE KEY".utf8)))
    #expect(!request.description.contains("s3cr3t"))
    #expect(request.description.contains("Bearer ***"))
    #expect(!"\(request.clientIdentity!)".contains("PRIVATE"))
  }
}

/// A loopback port nothing listens on.
func closedPort() throws -> Int {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
  }
  return Int(UInt16(bigEndian: address.sin_port))
}
