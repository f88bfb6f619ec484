import Testing
@testable import TallyIntegrations

extension XMLAttributeText {
    static func decode(_ raw: String) -> String {
        var raw = raw
        return raw.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }
}

@Suite struct XMLAttributeTextTests {
    @Test("predefined entities and character references", arguments: [
        ("&lt;&lt;HKDevice: 0x282d03020&gt;, name:Apple Watch&gt;", "<<HKDevice: 0x282d03020>, name:Apple Watch>"),
        ("Jan &amp; Piet", "Jan & Piet"),
        ("&quot;quoted&quot; &apos;single&apos;", "\"quoted\" 'single'"),
        ("Test&#8217;s Watch &#x231A;&#X231a;", "Test\u{2019}s Watch \u{231A}\u{231A}"),
        ("&#128512;", "\u{1F600}"),
        ("&amp;lt;", "&lt;"),
    ])
    func resolves(raw: String, text: String) {
        #expect(XMLAttributeText.decode(raw) == text)
    }

    @Test("what cannot be resolved stays as written", arguments: [
        "AT&T", "&unknown;", "&#;", "&#x;", "&#xD800;", "&#0;", "&#x110000;", "&#12a;", "trailing &", "&amp",
        "&#99999999999;",
    ])
    func keepsUnresolvable(raw: String) {
        #expect(XMLAttributeText.decode(raw) == raw)
    }

    @Test("tabs and line breaks become spaces; other control characters and UTF-8 pass through")
    func normalisesWhitespace() {
        #expect(XMLAttributeText.decode("a\tb\nc\r\nd\re") == "a b c d e")
        #expect(XMLAttributeText.decode("Weegschaal\u{0B} App") == "Weegschaal\u{0B} App")
        #expect(XMLAttributeText.decode("7.4 kcal/hr\u{B7}kg \u{231A}") == "7.4 kcal/hr\u{B7}kg \u{231A}")
        #expect(XMLAttributeText.decode("&#10;") == "\n")
    }

    @Test("invalid UTF-8 becomes U+FFFD instead of failing")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x41, 0xFF, 0x42]
        #expect(bytes.withUnsafeBytes { XMLAttributeText.decode($0) } == "A\u{FFFD}B")
    }
}
