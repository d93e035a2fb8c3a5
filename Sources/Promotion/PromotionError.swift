/// Why a promotion did not happen. Bad files and missing keys are bad input (exit 2); an
/// environment that is not fit to be promoted from is a refusal (exit 5).
public enum PromotionError: Error, Sendable, CustomStringConvertible {
  case badFile(String, String)
  /// A pin FROM has that TO's file does not write down, so there is nowhere to put it.
  case nowhereToPin(file: String, pin: String)
  case notPromotable(from: String, reasons: [String])
  case git(String)
  /// `--digest`: FROM's ready pods of an image do not run one digest, or none report one.
  case noSingleDigest(from: String, image: String, reason: String)

  public var description: String {
    switch self {
    case .badFile(let file, let message): return "\(file): \(message)"
    case .nowhereToPin(let file, let pin):
      return "\(file): has no \(pin) to change (promotion edits values in place; add the field with any value first)"
    case .notPromotable(let from, let reasons):
      return "not promoting from \(from): " + reasons.joined(separator: "; ") + " (--force promotes anyway)"
    case .git(let message): return message
    case .noSingleDigest(let from, let image, let reason):
      return "not promoting \(image) by digest from \(from): \(reason)"
    }
  }
}
