/// One invalid field: a JSON pointer to it (`#/reviews`) and what is wrong.
public struct FieldError: Sendable, Equatable, Error {
    public var pointer: String
    public var detail: String

    public init(pointer: String, detail: String) {
        self.pointer = pointer
        self.detail = detail
    }

    public init(field: String, _ detail: String) {
        self.init(pointer: "#/" + field, detail: detail)
    }
}

/// Input that breaks the domain's rules, every broken field listed.
public struct ValidationError: Error, Sendable, Equatable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public init(field: String, _ detail: String) {
        self.errors = [FieldError(field: field, detail)]
    }
}

/// Collects field problems so a caller hears about all of them at once.
public struct FieldProblems {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func add(_ field: String, _ detail: String) {
        errors.append(FieldError(field: field, detail))
    }

    public mutating func checkText(_ field: String, _ value: String, maxLength: Int, allowEmpty: Bool = false) {
        if !allowEmpty && value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(field, "must not be empty")
        } else if value.utf8.contains(0) {
            add(field, "must not contain the NUL character (U+0000)")
        } else if value.count > maxLength {
            add(field, "must be at most \(maxLength) characters")
        }
    }

    /// A list of short texts such as tags: at most `maxCount`, each 1 to `maxLength` characters.
    public mutating func checkList(_ field: String, _ values: [String], maxCount: Int, maxLength: Int) {
        if values.count > maxCount {
            add(field, "must have at most \(maxCount) items")
            return
        }
        for (index, value) in values.enumerated() {
            checkText("\(field)/\(index)", value, maxLength: maxLength)
        }
    }

    /// An instant Tally can store: in the years 0001 to 9999 UTC.
    public mutating func checkInstant(_ field: String, _ value: Date?) {
        if let value, !RFC3339.isStorable(value) {
            add(field, "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
        }
    }

    public mutating func merge(_ error: ValidationError) {
        errors.append(contentsOf: error.errors)
    }

    public func throwIfAny() throws(ValidationError) {
        if !errors.isEmpty { throw ValidationError(errors) }
    }
}

import Foundation
