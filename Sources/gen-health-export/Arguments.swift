/// The command line, with the flags of the Python tool this replaced:
/// `gen-health-export OUT [--size-mb N] [--seed S] [--manifest M.json] [--xml-name NAME]
/// [--offset ±HHMM] [--quirks LIST|all]`. A flag given twice keeps its last value.
struct Arguments {
    /// What OUT names: a zip archive, the bare XML, or the folder an unzip of the archive makes.
    enum Form: Equatable {
        case zip, xml, folder
    }

    var out = ""
    var form = Form.xml
    /// Bytes of records to write, not counting the DTD and the closing tag.
    var targetBytes = 50 << 20
    var seed: Int64 = 1
    var manifest: String?
    var xmlName = "export.xml"
    var offset = UTCOffset(seconds: 3600, text: "+0100")
    var quirks: Set<Quirk> = []

    static let usage = """
        usage: gen-health-export OUT.zip|OUT.xml|OUT/ [--size-mb N] [--seed S] [--manifest M.json]
                                 [--xml-name NAME] [--offset ±HHMM] [--quirks LIST|all]

        Writes a synthetic Apple Health export (no real person's data) and, with --manifest, what a
        correct importer must find in it. OUT ending in .zip is a deflated archive; OUT ending in /
        (or an existing folder) is the unzipped archive; anything else is the bare XML.

          --size-mb N      megabytes of records (default 50)
          --seed S         the random generator's seed (default 1); same seed, same bytes
          --manifest M     write the ground truth as JSON to M
          --xml-name NAME  the export XML's name (default export.xml; real ones are localised)
          --offset ±HHMM   the one UTC offset every timestamp is printed with (default +0100)
          --quirks LIST    comma separated: \(Quirk.allCases.map(\.rawValue).joined(separator: ", ")), or all
        """

    /// Why the command line was not taken: a mistake, or a request for the usage text.
    enum Failure: Error {
        case invalid(String)
        case help
    }

    /// `isDirectory` says whether a path names an existing folder (OUT given without a slash).
    init(_ words: [String], isDirectory: (String) -> Bool) throws(Failure) {
        var positional: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if word == "-h" { throw Failure.help }
            guard word.hasPrefix("--"), word.count > 2 else {
                if word.hasPrefix("-") && word != "-" { throw Failure.invalid("unknown option \(word)") }
                positional.append(word)
                continue
            }
            var name = word
            var value: String?
            if let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                value = String(word[word.index(after: equals)...])
            }
            func takeValue() throws(Failure) -> String {
                if let value { return value }
                guard index < words.count, !words[index].hasPrefix("--") else {
                    throw Failure.invalid("\(name) needs a value")
                }
                index += 1
                return words[index - 1]
            }
            switch name {
            case "--size-mb":
                let text = try takeValue()
                guard let megabytes = Double(text), megabytes.isFinite, megabytes >= 0, megabytes <= 1_048_576 else {
                    throw Failure.invalid("--size-mb needs a number of megabytes, not '\(text)'")
                }
                targetBytes = Int(megabytes * 1024 * 1024)
            case "--seed":
                let text = try takeValue()
                guard let seed = Int64(text) else { throw Failure.invalid("--seed needs a whole number, not '\(text)'") }
                self.seed = seed
            case "--manifest":
                manifest = try takeValue()
            case "--xml-name":
                let text = try takeValue()
                guard !text.isEmpty, !text.contains("/"), text != ".", text != ".." else {
                    throw Failure.invalid("--xml-name needs a file name without '/', not '\(text)'")
                }
                xmlName = text
            case "--offset":
                let text = try takeValue()
                guard let offset = UTCOffset(text) else { throw Failure.invalid("--offset needs ±HHMM, such as +0100, not '\(text)'") }
                self.offset = offset
            case "--quirks":
                quirks = try Self.quirks(try takeValue())
            case "--help":
                throw Failure.help
            default:
                throw Failure.invalid("unknown option \(name)")
            }
        }
        guard positional.count == 1, let out = positional.first, !out.isEmpty else {
            throw Failure.invalid(positional.isEmpty ? "OUT is missing (OUT.zip, OUT.xml or OUT/)" : "only one OUT, not \(positional.count)")
        }
        self.out = out
        if out.hasSuffix(".zip") {
            form = .zip
        } else if out.hasSuffix("/") || isDirectory(out) {
            form = .folder
        }
    }

    private static func quirks(_ list: String) throws(Failure) -> Set<Quirk> {
        var quirks: Set<Quirk> = []
        for name in list.split(separator: ",", omittingEmptySubsequences: true) {
            if name == "all" {
                quirks.formUnion(Quirk.allCases)
            } else if let quirk = Quirk(rawValue: String(name)) {
                quirks.insert(quirk)
            } else {
                throw Failure.invalid("unknown quirk '\(name)' (known: \(Quirk.allCases.map(\.rawValue).joined(separator: ", ")), all)")
            }
        }
        return quirks
    }
}

/// What real exports are known to contain, reproduced on request.
enum Quirk: String, CaseIterable, Comparable {
    /// The malformed Export Version 12 (iOS 16) DTD around VisionPrescription.
    case brokenDTD = "broken-dtd"
    /// A U+000B control character inside one attribute value.
    case verticalTab = "vt"
    /// Some workouts carry totalDistance/totalEnergyBurned attributes (the pre-iOS 16 shape).
    case legacy
    /// A `__MACOSX/._export.xml` AppleDouble entry in the zip.
    case macOSX = "macosx"
    /// An export_cda.xml with several root elements (not well-formed).
    case cdaJunk = "cda-junk"

    static func < (lhs: Quirk, rhs: Quirk) -> Bool {
        lhs.rawValue.unicodeScalars.lexicographicallyPrecedes(rhs.rawValue.unicodeScalars)
    }
}

/// The fixed offset every timestamp is printed with, as the exporting phone had it.
struct UTCOffset {
    var seconds: Int
    /// As given, `+0100`, and printed after every wall clock.
    var text: String

    init(seconds: Int, text: String) {
        self.seconds = seconds
        self.text = text
    }

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
              bytes[1...].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        let digit = { (index: Int) in Int(bytes[index] - UInt8(ascii: "0")) }
        let hours = digit(1) * 10 + digit(2)
        let minutes = digit(3) * 10 + digit(4)
        guard hours <= 23, minutes <= 59 else { return nil }
        seconds = (bytes[0] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        self.text = text
    }
}
