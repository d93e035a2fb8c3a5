import Manifest
import Testing

@Suite struct JSONTests {
  @Test func roundTripsTypesAndKeyOrder() throws {
    let text = #"{"z":1,"a":1.5,"s":"x\n\"q\"\u00e9","b":false,"n":null,"l":[1,{"k":[]}],"o":{}}"#
    let value = try JSON.parse(text)
    #expect(value["z"] == .int(1))
    #expect(value["a"] == .float(1.5))
    #expect(value["s"] == "x\n\"q\"é")
    #expect(value.objectValue.map { Array($0.keys) } == ["z", "a", "s", "b", "n", "l", "o"])
    #expect(try JSON.parse(JSON.string(value)) == value)
    #expect(try JSON.parse(JSON.prettyString(value)) == value)
  }

  @Test(arguments: ["{", "[1,]", "{\"a\" 1}", "tru", "\"unterminated", "1 2"])
  func rejectsMalformedJSONWithAPosition(text: String) {
    #expect(throws: ManifestError.self) { try JSON.parse(text, file: "x.json") }
  }

  @Test func decodesSurrogatePairs() throws {
    #expect(try JSON.parse(#""\ud83d\ude80""#) == "🚀")
  }
}
