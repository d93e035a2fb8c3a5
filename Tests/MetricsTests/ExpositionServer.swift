import NIOCore
import NIOHTTP1
import NIOPosix

/// A scrape target: answers every request on a free loopback port with a fixed page in the
/// Prometheus text exposition format, as a vLLM pod's `/metrics` would.
struct ExpositionServer {
  let channel: any Channel
  let port: Int

  static func start(page: String) async throws -> ExpositionServer {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.configureHTTPServerPipeline()
          try channel.pipeline.syncOperations.addHandler(ExpositionHandler(page: page))
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    guard let port = channel.localAddress?.port else {
      try? await channel.close()
      throw EndToEndError("the metrics endpoint has no port")
    }
    return ExpositionServer(channel: channel, port: port)
  }

  func stop() async {
    try? await channel.close()
  }
}

private final class ExpositionHandler: ChannelInboundHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias OutboundOut = HTTPServerResponsePart

  let page: String

  init(page: String) { self.page = page }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .end = unwrapInboundIn(data) else { return }
    var headers = HTTPHeaders()
    headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
    headers.add(name: "Content-Length", value: String(page.utf8.count))
    context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: page)))), promise: nil)
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
  }
}

/// Why the end-to-end set-up failed, worded for the person reading the test log.
struct EndToEndError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
