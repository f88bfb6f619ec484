import Hummingbird

/// The dashboard's languages. The `tally_lang` cookie (set by the switch in the header) wins;
/// otherwise the first of `Accept-Language` that Tally speaks; otherwise English.
enum Language: String, Sendable, CaseIterable {
    case en, nl

    static func of(_ request: Request) -> Language {
        if let chosen = SessionCookies.value(SessionCookies.language, in: request), let language = Language(rawValue: chosen) {
            return language
        }
        return fromAcceptLanguage(request.headers[.acceptLanguage] ?? "")
    }

    /// Picks by quality (`nl;q=0.9, en;q=0.8`), ties in the order given.
    static func fromAcceptLanguage(_ header: String) -> Language {
        var best: (language: Language, quality: Double)?
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased() else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            guard quality > 0, let language = Language(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality) }
        }
        return best?.language ?? .en
    }

    var strings: [String: String] {
        switch self {
        case .en: DashboardStrings.english
        case .nl: DashboardStrings.dutch
        }
    }

    var units: DurationUnits {
        switch self {
        case .en: DurationUnits(hour: "h", minute: "min")
        case .nl: DurationUnits(hour: "u", minute: "min")
        }
    }

    var weekdays: [String] {
        switch self {
        case .en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        case .nl: ["ma", "di", "wo", "do", "vr", "za", "zo"]
        }
    }
}
