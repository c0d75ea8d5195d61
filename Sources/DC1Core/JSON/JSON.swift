import CJansson
import Glibc

/// An owning reference to a jansson value. Every document libdc1 reads or writes passes
/// through this type, so ownership (json_incref / json_decref) lives in one place.
public final class JSON: @unchecked Sendable {
    public let raw: UnsafeMutablePointer<json_t>

    /// Takes ownership of a new reference (as returned by json_object(), json_loads(), …).
    public init(owning raw: UnsafeMutablePointer<json_t>) { self.raw = raw }

    /// Adds a reference to a borrowed value (as returned by json_object_get()).
    public init(borrowing raw: UnsafeMutablePointer<json_t>) {
        self.raw = dc1_json_incref(raw)!
    }

    deinit { dc1_json_decref(raw) }

    // MARK: constructors

    public static func object() -> JSON { JSON(owning: json_object()) }
    public static func array() -> JSON { JSON(owning: json_array()) }
    public static func array(_ items: [JSON]) -> JSON {
        let a = JSON.array()
        for i in items { a.append(i) }
        return a
    }
    public static func null() -> JSON { JSON(owning: json_null()) }
    public static func bool(_ v: Bool) -> JSON { JSON(owning: dc1_json_boolean(v ? 1 : 0)) }
    public static func int(_ v: Int) -> JSON { JSON(owning: json_integer(json_int_t(v))) }
    public static func double(_ v: Double) -> JSON {
        // json_real refuses NaN and infinities; they have no JSON form.
        if let r = json_real(v) { return JSON(owning: r) }
        return null()
    }
    /// A string value; invalid UTF-8 (impossible from a Swift String) falls back to null.
    public static func string(_ v: String) -> JSON {
        var s = v
        let made: UnsafeMutablePointer<json_t>? = s.withUTF8 { buf in
            json_stringn(
                UnsafeRawPointer(buf.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                    .assumingMemoryBound(to: CChar.self), buf.count)
        }
        if let made { return JSON(owning: made) }
        return null()
    }

    // MARK: parsing and serialising

    public enum ParseError: Error { case invalid(String) }

    /// Parses a whole document. Any JSON value is accepted at the top level. Caller inputs are
    /// parsed with `rejectDuplicates` (an ambiguous key is an error, not a silent choice);
    /// server responses without it, which saves a lookup per key on the hot path.
    public static func parse(bytes: UnsafeRawBufferPointer, rejectDuplicates: Bool = false) throws(ParseError) -> JSON {
        var err = json_error_t()
        var flags = Int(JSON_DECODE_ANY) | Int(JSON_ALLOW_NUL)
        if rejectDuplicates { flags |= Int(JSON_REJECT_DUPLICATES) }
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            throw .invalid("empty document")
        }
        guard let v = json_loadb(base.assumingMemoryBound(to: CChar.self), bytes.count, flags, &err) else {
            let text = withUnsafeBytes(of: &err.text) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            throw .invalid(
                parseErrorText(
                    text, line: Int(err.line), column: Int(err.column),
                    position: Int(err.position), size: bytes.count))
        }
        return JSON(owning: v)
    }

    /// jansson keeps line, column and position in an `int`: past 2 GiB they wrap (a body of
    /// 2 GiB and more used to report "column -2147483648"). Positions that cannot be right are
    /// left out and the size is given instead.
    static func parseErrorText(_ text: String, line: Int, column: Int, position: Int, size: Int) -> String {
        if size > Int(Int32.max) {
            return "\(text) (a document of \(size) bytes: over the 2 GiB jansson can parse)"
        }
        if line < 1 || column < 0 || position < 0 { return "\(text) (\(size) bytes)" }
        return "\(text) at line \(line), column \(column)"
    }

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSON {
        let r: Result<JSON, ParseError> = bytes.withUnsafeBytes { b in
            do throws(ParseError) { return .success(try parse(bytes: b)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    public static func parse(_ text: String) throws(ParseError) -> JSON {
        var s = text
        let r: Result<JSON, ParseError> = s.withUTF8 { b in
            do throws(ParseError) { return .success(try parse(bytes: UnsafeRawBufferPointer(b))) } catch {
                return .failure(error)
            }
        }
        return try r.get()
    }

    /// Parses a C string coming from a caller; nil when the pointer is nil.
    public static func parse(cString: UnsafePointer<CChar>) throws(ParseError) -> JSON {
        let n = strlen(cString)
        return try parse(bytes: UnsafeRawBufferPointer(start: cString, count: n), rejectDuplicates: true)
    }

    /// Compact, any value, reals with 15 significant digits (JSON_REAL_PRECISION(15), a
    /// function-like macro Swift cannot import): a double parsed from "999.99" or computed as
    /// 99999 / 100 prints as 999.99, never 999.99000000000001.
    static let dumpFlags = Int(JSON_COMPACT) | Int(JSON_ENCODE_ANY) | ((15 & 0x1F) << 11)

    /// Compact serialisation into a malloc'd, NUL-terminated buffer owned by the caller
    /// (freed with free()). json_dumps is used when jansson allocates with malloc (the
    /// default); if the host process installed its own allocator, the text is written through
    /// json_dump_callback into our own buffer, so dc1_free() always matches.
    public func dumpMalloc() -> UnsafeMutablePointer<CChar>? {
        if JSON.janssonUsesMalloc { return json_dumps(raw, JSON.dumpFlags) }
        var sink = MallocSink()
        let flags = JSON.dumpFlags
        let rc = withUnsafeMutablePointer(to: &sink) { p in
            json_dump_callback(
                raw,
                { buffer, size, data in
                    let s = data!.assumingMemoryBound(to: MallocSink.self)
                    return s.pointee.append(buffer!, size) ? 0 : -1
                }, p, flags)
        }
        guard rc == 0, sink.append(nil, 0) else { sink.release(); return nil }
        return sink.take()
    }

    /// Compact serialisation as a Swift string.
    public func dump() -> String {
        guard let p = dumpMalloc() else { return "null" }
        defer { free(p) }
        return String(cString: p)
    }

    /// Serialises to bytes (for request bodies).
    public func dumpBytes() -> [UInt8] {
        guard let p = dumpMalloc() else { return Array("null".utf8) }
        defer { free(p) }
        let n = strlen(p)
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    static var janssonUsesMalloc: Bool {
        var m: json_malloc_t? = nil
        var f: json_free_t? = nil
        json_get_alloc_funcs(&m, &f)
        guard let m else { return true }
        return unsafeBitCast(m, to: UnsafeRawPointer.self)
            == unsafeBitCast(malloc as @convention(c) (Int) -> UnsafeMutableRawPointer?, to: UnsafeRawPointer.self)
    }

    public func deepCopy() -> JSON { JSON(owning: json_deep_copy(raw)) }

    // MARK: type inspection

    public var isObject: Bool { dc1_json_typeof(raw) == Int32(JSON_OBJECT.rawValue) }
    public var isArray: Bool { dc1_json_typeof(raw) == Int32(JSON_ARRAY.rawValue) }
    public var isString: Bool { dc1_json_typeof(raw) == Int32(JSON_STRING.rawValue) }
    public var isInteger: Bool { dc1_json_typeof(raw) == Int32(JSON_INTEGER.rawValue) }
    public var isReal: Bool { dc1_json_typeof(raw) == Int32(JSON_REAL.rawValue) }
    public var isNumber: Bool { isInteger || isReal }
    public var isBool: Bool {
        let t = dc1_json_typeof(raw)
        return t == Int32(JSON_TRUE.rawValue) || t == Int32(JSON_FALSE.rawValue)
    }
    public var isNull: Bool { dc1_json_typeof(raw) == Int32(JSON_NULL.rawValue) }
    /// Scalars in the submit schema's sense: string, number or boolean.
    public var isScalar: Bool { isString || isNumber || isBool }

    public var typeName: String {
        if isObject { return "object" }
        if isArray { return "array" }
        if isString { return "string" }
        if isNumber { return "number" }
        if isBool { return "boolean" }
        return "null"
    }

    // MARK: scalar accessors

    public var stringValue: String? {
        guard isString, let p = json_string_value(raw) else { return nil }
        let n = json_string_length(raw)
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }
    public var intValue: Int? {
        if isInteger { return Int(json_integer_value(raw)) }
        if isReal {
            let d = json_real_value(raw)
            if d.isFinite, d == d.rounded(), abs(d) < 9.0e15 { return Int(d) }
        }
        return nil
    }
    public var doubleValue: Double? { isNumber ? json_number_value(raw) : nil }
    public var boolValue: Bool? {
        let t = dc1_json_typeof(raw)
        if t == Int32(JSON_TRUE.rawValue) { return true }
        if t == Int32(JSON_FALSE.rawValue) { return false }
        return nil
    }

    // MARK: objects

    public subscript(key: String) -> JSON? {
        get {
            guard isObject, let v = json_object_get(raw, key) else { return nil }
            return JSON(borrowing: v)
        }
        set {
            guard isObject else { return }
            if let newValue { json_object_set(raw, key, newValue.raw) } else { json_object_del(raw, key) }
        }
    }

    public func set(_ key: String, _ value: JSON) { self[key] = value }
    public func set(_ key: String, _ value: String?) { self[key] = value.map(JSON.string) ?? .null() }
    public func set(_ key: String, _ value: Int?) { self[key] = value.map(JSON.int) ?? .null() }
    public func set(_ key: String, _ value: Double?) { self[key] = value.map(JSON.double) ?? .null() }
    public func set(_ key: String, _ value: Bool) { self[key] = .bool(value) }
    public func remove(_ key: String) { if isObject { json_object_del(raw, key) } }
    public func has(_ key: String) -> Bool { isObject && json_object_get(raw, key) != nil }

    /// Keys in insertion order.
    public var keys: [String] {
        guard isObject else { return [] }
        var out: [String] = []
        var it = json_object_iter(raw)
        while let i = it {
            out.append(String(cString: json_object_iter_key(i)))
            it = json_object_iter_next(raw, i)
        }
        return out
    }

    public var count: Int {
        if isObject { return json_object_size(raw) }
        if isArray { return json_array_size(raw) }
        return 0
    }

    // MARK: arrays

    public subscript(index: Int) -> JSON? {
        guard isArray, index >= 0, index < json_array_size(raw), let v = json_array_get(raw, index) else { return nil }
        return JSON(borrowing: v)
    }
    public func append(_ v: JSON) { if isArray { json_array_append(raw, v.raw) } }
    public var elements: [JSON] { (0..<(isArray ? count : 0)).compactMap { self[$0] } }

    // MARK: convenience

    public func string(_ key: String) -> String? { self[key]?.stringValue }
    public func int(_ key: String) -> Int? { self[key]?.intValue }
    public func double(_ key: String) -> Double? { self[key]?.doubleValue }
    public func bool(_ key: String) -> Bool? { self[key]?.boolValue }

    /// Copies every key of `other` into this object (shallow; values are shared).
    public func merge(_ other: JSON) {
        guard isObject, other.isObject else { return }
        json_object_update(raw, other.raw)
    }
}

/// A growable malloc buffer for json_dump_callback.
struct MallocSink {
    private var buf: UnsafeMutablePointer<CChar>? = nil
    private var len = 0
    private var cap = 0

    /// Appends bytes; `nil, 0` appends the terminating NUL.
    mutating func append(_ data: UnsafePointer<CChar>?, _ n: Int) -> Bool {
        let need = len + (data == nil ? 1 : n)
        if need > cap {
            var newCap = Swift.max(cap * 2, 256)
            while newCap < need { newCap *= 2 }
            guard let nb = realloc(buf, newCap) else { return false }
            buf = nb.assumingMemoryBound(to: CChar.self)
            cap = newCap
        }
        if let data { memcpy(buf! + len, data, n); len += n } else { buf![len] = 0; len += 1 }
        return true
    }
    mutating func take() -> UnsafeMutablePointer<CChar>? { let b = buf; buf = nil; return b }
    mutating func release() { free(buf); buf = nil }
}
