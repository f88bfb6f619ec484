/// Turns the raw bytes of an XML attribute value into its text.
enum XMLAttributeText {
    /// Resolves the five predefined entities and character references, and turns literal tabs
    /// and line breaks (CR LF counting as one) into spaces, as XML requires. Anything it cannot resolve (an unknown
    /// entity, a stray `&`, a reference to no character) stays as written: a source name with
    /// an odd byte must not cost the user their import. Invalid UTF-8 becomes U+FFFD.
    static func decode(_ raw: UnsafeRawBufferPointer) -> String {
        guard raw.contains(where: { $0 == UInt8(ascii: "&") || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
            return String(decoding: raw, as: UTF8.self)
        }
        var text: [UInt8] = []
        text.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            switch byte {
            case 0x0D where index + 1 < raw.count && raw[index + 1] == 0x0A:
                text.append(UInt8(ascii: " "))
                index += 2
            case 0x09, 0x0A, 0x0D:
                text.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "&"):
                if let (replacement, length) = reference(in: raw, at: index) {
                    text.append(contentsOf: replacement)
                    index += length
                } else {
                    text.append(byte)
                    index += 1
                }
            default:
                text.append(byte)
                index += 1
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The UTF-8 bytes of the reference starting at `start` (an `&`), and its length with `;`.
    private static func reference(in raw: UnsafeRawBufferPointer, at start: Int) -> ([UInt8], Int)? {
        // The longest reference worth reading is `&#x10FFFF;`.
        let limit = min(raw.count, start + 10)
        guard let end = (start + 1..<limit).first(where: { raw[$0] == UInt8(ascii: ";") }) else { return nil }
        let name = raw[(start + 1)..<end]
        let length = end - start + 1
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return ([UInt8(ascii: "&")], length)
        case "lt": return ([UInt8(ascii: "<")], length)
        case "gt": return ([UInt8(ascii: ">")], length)
        case "quot": return ([UInt8(ascii: "\"")], length)
        case "apos": return ([UInt8(ascii: "'")], length)
        default: break
        }
        guard name.first == UInt8(ascii: "#") else { return nil }
        let digits = name.dropFirst()
        let isHex = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
        let number = String(decoding: isHex ? digits.dropFirst() : digits, as: UTF8.self)
        guard !number.isEmpty, number.allSatisfy({ isHex ? $0.isHexDigit : $0.isASCII && $0.isNumber }),
              let value = UInt32(number, radix: isHex ? 16 : 10),
              value != 0, let scalar = Unicode.Scalar(value)
        else { return nil }
        return (Array(String(Character(scalar)).utf8), length)
    }
}
