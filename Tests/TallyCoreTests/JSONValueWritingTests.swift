import Foundation
import Testing
import TallyCore

@Suite struct JSONValueWritingTests {
    @Test func writesWhatFoundationReadsBackUnchanged() throws {
        let value: JSONValue = .object([
            "b": .array([.integer(-3), .number(8.25), .number(610), .bool(true), .null]),
            "a": .string("quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 🏃"),
            "nested": .object(["z": .string(""), "y": .array([])]),
        ])
        let bytes = value.serialized()
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        #expect(decoded == .object([
            "b": .array([.integer(-3), .number(8.25), .integer(610), .bool(true), .null]),
            "a": .string("quote \" backslash \\ slash / newline \n tab \t bell \u{07} é 🏃"),
            "nested": .object(["z": .string(""), "y": .array([])]),
        ]))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"a":"quote \" backslash \\ slash / newline \n tab \t bell \u0007 é 🏃","b":[-3,8.25,610,true,null]"#))
    }

    @Test func theSameValueAlwaysGivesTheSameBytes() {
        let one: JSONValue = .object(["x": .integer(1), "a": .integer(2), "m": .integer(3)])
        let two: JSONValue = .object(["m": .integer(3), "x": .integer(1), "a": .integer(2)])
        #expect(one.serialized() == two.serialized())
        #expect(String(decoding: one.serialized(), as: UTF8.self) == #"{"a":2,"m":3,"x":1}"#)
        #expect(String(decoding: JSONValue.number(.infinity).serialized(), as: UTF8.self) == "null")
    }
}
