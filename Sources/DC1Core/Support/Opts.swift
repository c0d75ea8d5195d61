/// Reading the small option documents of the job calls.
struct Opts {
    let json: JSON?
    let what: String

    init(_ json: JSON?, _ what: String, allowed: Set<String>) throws(DC1Error) {
        self.json = json
        self.what = what
        if let json {
            guard json.isObject else { throw .invalid("\(what) must be a JSON object, got \(json.typeName)") }
            for k in json.keys where !allowed.contains(k) { throw .invalid("\(what): unknown key \"\(k)\"") }
        }
    }

    func int(_ k: String, _ range: ClosedRange<Int>) throws(DC1Error) -> Int? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let i = v.intValue, range.contains(i) else {
            throw .invalid("\(what): \(k) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return i
    }
    func bool(_ k: String) throws(DC1Error) -> Bool? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let b = v.boolValue else { throw .invalid("\(what): \(k) must be a boolean") }
        return b
    }
    func double(_ k: String) throws(DC1Error) -> Double? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let d = v.doubleValue, d.isFinite else { throw .invalid("\(what): \(k) must be a number") }
        return d
    }
    func string(_ k: String) throws(DC1Error) -> String? {
        guard let v = json?[k], !v.isNull else { return nil }
        guard let s = v.stringValue else { throw .invalid("\(what): \(k) must be a string") }
        return s
    }
}
