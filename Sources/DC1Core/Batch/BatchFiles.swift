import Glibc

/// Small file helpers of the batch runner (no Foundation): read a file, append a record and
/// fsync it, replace a file atomically, start a thread.
enum BatchFiles {
    static func errno_(_ what: String) -> DC1Error {
        DC1Error(.io, "\(what): \(String(cString: strerror(errno)))")
    }

    /// The whole file, or nil when it does not exist.
    static func read(_ path: String) throws(DC1Error) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw errno_("cannot open \(path)")
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw errno_("cannot read \(path)") }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(DC1Error) {
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 { if errno == EINTR { continue }; throw errno_("cannot write \(path)") }
            written += n
        }
    }

    /// Writes `bytes` to a temporary file, fsyncs it and renames it over `path`.
    static func replace(_ path: String, _ bytes: [UInt8]) throws(DC1Error) {
        let tmp = path + ".dc1tmp-\(Random.hex(bytes: 4))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw errno_("cannot create \(tmp)") }
        do throws(DC1Error) {
            try writeAll(fd, bytes, tmp)
            guard fsync(fd) == 0 else { throw errno_("cannot fsync \(tmp)") }
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let e = errno_("cannot rename \(tmp) to \(path)")
            unlink(tmp)
            throw e
        }
    }

    /// Splits into lines (LF; a trailing CR is dropped), keeping empty ones so numbering holds.
    static func lines(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 10 {
            var end = i
            if end > start, bytes[end - 1] == 13 { end -= 1 }
            out.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = i + 1
        }
        if start < bytes.count { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return out
    }

    /// FNV-1a 64 of a line's text: the journal remembers what each line said.
    static func hash(_ s: String) -> String {
        var h: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { h ^= UInt64(b); h = h &* 0x100000001b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Starts a joinable thread running `body`.
    static func spawn(_ body: @escaping () -> Void) -> pthread_t? {
        final class Box { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(
            &tid, nil,
            { p in
                let b = Unmanaged<Box>.fromOpaque(p!).takeRetainedValue()
                b.body()
                return nil
            }, box)
        if rc != 0 {
            Unmanaged<Box>.fromOpaque(box).release()
            return nil
        }
        return tid
    }
}

/// The journal: an append-only JSON Lines file, each record written with one write() and
/// fsync'd before the runner acts on it. A record cut short by a crash is the last line and
/// does not parse; it is ignored (and a newline is appended before the next record).
final class BatchJournal {
    let path: String
    private var fd: Int32 = -1

    init(path: String) { self.path = path }

    deinit { if fd >= 0 { close(fd) } }

    /// The records so far (unreadable lines skipped).
    static func load(_ path: String) throws(DC1Error) -> [JSON]? {
        guard let bytes = try BatchFiles.read(path) else { return nil }
        var out: [JSON] = []
        for l in BatchFiles.lines(bytes) where !l.isEmpty {
            if let j = try? JSON.parse(l), j.isObject { out.append(j) }
        }
        return out
    }

    func open_() throws(DC1Error) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BatchFiles.errno_("cannot open the journal \(path)") }
        // A torn last record (SIGKILL inside a write): start the next one on a new line.
        if let bytes = try BatchFiles.read(path), let last = bytes.last, last != 10 {
            try BatchFiles.writeAll(fd, [10], path)
        }
    }

    /// Appends one record and makes it durable.
    func append(_ record: JSON) throws(DC1Error) {
        if fd < 0 { try open_() }
        record.set("at", Clock.wallSeconds())
        var bytes = record.dumpBytes()
        bytes.append(10)
        try BatchFiles.writeAll(fd, bytes, path)
        guard fsync(fd) == 0 else { throw BatchFiles.errno_("cannot fsync the journal \(path)") }
    }
}
