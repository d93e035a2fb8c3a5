@testable import Render

enum RenderTestSupport {
  static func sha256(_ text: String) -> String { SHA256.hex(of: Array(text.utf8)) }
}
