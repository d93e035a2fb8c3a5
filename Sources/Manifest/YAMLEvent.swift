/// One libyaml parse event, its strings copied out so that the parser may reuse its buffers.
enum YAMLEvent: CustomStringConvertible {
  /// 1-based, as editors count.
  struct Mark {
    var line: Int
    var column: Int
  }

  case streamStart, streamEnd, documentStart, documentEnd
  case alias(anchor: String, mark: Mark)
  /// `tag` as written and expanded by libyaml ("tag:yaml.org,2002:str" for `!!str`), nil when
  /// untagged; `plain` when the scalar was neither quoted nor a block scalar.
  case scalar(text: String, tag: String?, plain: Bool, anchor: String?, mark: Mark)
  /// `flow` when written `[...]` / `{...}`.
  case sequenceStart(anchor: String?, flow: Bool, mark: Mark)
  case sequenceEnd
  case mappingStart(anchor: String?, flow: Bool, mark: Mark)
  case mappingEnd

  var mark: Mark {
    switch self {
    case .alias(_, let mark), .scalar(_, _, _, _, let mark), .sequenceStart(_, _, let mark), .mappingStart(_, _, let mark):
      return mark
    default:
      return Mark(line: 0, column: 0)
    }
  }

  var description: String {
    switch self {
    case .streamStart: return "start of stream"
    case .streamEnd: return "end of stream"
    case .documentStart: return "start of document"
    case .documentEnd: return "end of document"
    case .alias(let anchor, _): return "alias *\(anchor)"
    case .scalar(let text, _, _, _, _): return "scalar \(text.prefix(40))"
    case .sequenceStart: return "start of a list"
    case .sequenceEnd: return "end of a list"
    case .mappingStart: return "start of a map"
    case .mappingEnd: return "end of a map"
    }
  }
}
