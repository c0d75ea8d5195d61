import Glibc

/// The one place libdc1 touches files: whole-file reads, line-by-line reads with offsets,
/// atomic writes, and the threads the core starts. Output saves, image streaming, the batch
/// runner and the CLI all go through it, so every file is written the same careful way.
public enum Files {
    static func ioError(_ what: String, _ err: Int32 = errno) -> DC1Error {
        DC1Error(.io, "\(what): \(String(cString: strerror(err)))")
    }

    /// The whole file; nil when it does not exist. `limit` bounds what is read.
    public static func read(_ path: String, limit: Int = Int.max) throws(DC1Error) -> [UInt8]? {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw ioError("cannot open \(path)")
        }
        defer { if fd != 0 { close(fd) } }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read \(path)")
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > limit { throw DC1Error(.io, "\(path) is larger than \(limit >> 20) MiB") }
        }
        return out
    }

    /// `count` bytes at `offset` (fewer at the end of the file).
    static func read(_ path: String, offset: Int64, count: Int) throws(DC1Error) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open \(path)") }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + got, count - got, off_t(offset) + off_t(got))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read \(path)")
            }
            if n == 0 { break }
            got += n
        }
        out.removeLast(count - got)
        return out
    }

    static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer, _ path: String) throws(DC1Error) {
        var written = 0
        while written < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + written, buf.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot write \(path)")
            }
            written += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(DC1Error) {
        if let e = bytes.withUnsafeBytes({ b in failure { () throws(DC1Error) in try writeAll(fd, b, path) } }) {
            throw e
        }
    }

    /// Runs `body` and hands back its error (typed throws do not pass through withUnsafeBytes).
    static func failure(_ body: () throws(DC1Error) -> Void) -> DC1Error? {
        do throws(DC1Error) {
            try body()
            return nil
        } catch {
            return error
        }
    }

    /// Replaces `path` with `bytes` atomically ("-" writes to stdout).
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws(DC1Error) {
        if let e = bytes.withUnsafeBytes({ b in failure { () throws(DC1Error) in try writeAtomically(path, b) } }) {
            throw e
        }
    }

    public static func writeAtomically(_ path: String, _ buf: UnsafeRawBufferPointer) throws(DC1Error) {
        if path == "-" { return try writeAll(1, buf, path) }
        let f = try AtomicFile(path)
        do throws(DC1Error) {
            try f.write(buf)
            try f.commit()
        } catch {
            f.abort()
            throw error
        }
    }

    /// Starts a joinable thread running `body` (nil when the system refuses one).
    static func spawn(_ body: @escaping () -> Void) -> pthread_t? {
        spawnThread(detached: false, stackBytes: nil, body)
    }

    /// Starts a thread; a detached one cleans up after itself. `stackBytes`: nil for the default.
    public static func spawnThread(detached: Bool, stackBytes: Int?, _ body: @escaping () -> Void) -> pthread_t? {
        final class Box {
            let body: () -> Void
            init(_ b: @escaping () -> Void) { body = b }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        if let stackBytes { pthread_attr_setstacksize(&attr, stackBytes) }
        if detached { pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED)) }
        var tid = pthread_t()
        let rc = pthread_create(
            &tid, &attr,
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

    /// The directory part of a path ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }
}

/// A file written under a temporary name in its target directory (created with O_EXCL, so
/// never someone else's file), then made durable (fsync of the file and of the directory) and
/// renamed into place: a crash or a failure never leaves a half-written file under the real
/// name. `abort` removes the temporary; an AtomicFile neither committed nor aborted removes it
/// when it goes away.
public final class AtomicFile {
    public let path: String
    public private(set) var tmpPath: String?
    private var fd: Int32

    public init(_ path: String, mode: mode_t = 0o644) throws(DC1Error) {
        self.path = path
        var tries = 0
        while true {
            let tmp = path + ".dc1tmp-\(Random.hex(bytes: 6))"
            let f = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if f >= 0 {
                fd = f
                tmpPath = tmp
                return
            }
            tries += 1
            if errno != EEXIST || tries > 8 { throw Files.ioError("cannot create \(tmp)") }
        }
    }

    deinit { abort() }

    public func write(_ buf: UnsafeRawBufferPointer) throws(DC1Error) {
        guard fd >= 0 else { throw DC1Error(.io, "\(path): the file is already closed") }
        try Files.writeAll(fd, buf, tmpPath ?? path)
    }

    public func write(_ bytes: [UInt8]) throws(DC1Error) {
        if let e = bytes.withUnsafeBytes({ b in Files.failure { () throws(DC1Error) in try write(b) } }) { throw e }
    }

    /// fsync, close, rename into place, fsync the directory.
    public func commit() throws(DC1Error) {
        guard let tmp = tmpPath, fd >= 0 else { throw DC1Error(.io, "\(path): nothing to rename") }
        guard fsync(fd) == 0 else { throw Files.ioError("cannot fsync \(tmp)") }
        let closed = close(fd)
        fd = -1
        guard closed == 0 else { throw Files.ioError("cannot write \(path)") }
        guard rename(tmp, path) == 0 else { throw Files.ioError("cannot rename \(tmp) to \(path)") }
        tmpPath = nil
        let dir = open(Files.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)  // best effort: some file systems refuse a directory fsync
            close(dir)
        }
    }

    /// Closes and removes the temporary file, unless it was renamed into place.
    public func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        if let t = tmpPath {
            unlink(t)
            tmpPath = nil
        }
    }
}

/// Reads a file line by line (LF; a trailing CR dropped) through a fixed buffer, with each
/// line's byte offset and length, so a file of any size is read in constant memory.
struct LineReader {
    private let fd: Int32
    private let path: String
    private var buf = [UInt8](repeating: 0, count: 65536)
    private var start = 0
    private var end = 0
    private var eof = false
    private var fileOffset: Int64 = 0  // of buf[0]
    /// 1-based number of the line returned last.
    private(set) var lineNumber = 0

    /// nil when the file does not exist.
    init?(_ path: String) throws(DC1Error) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Files.ioError("cannot open \(path)")
        }
        self.fd = fd
        self.path = path
    }

    func close() { Glibc.close(fd) }

    /// The next line (its bytes without the newline, its offset, its length including the
    /// newline), or nil at the end of the file.
    mutating func next() throws(DC1Error) -> (bytes: ArraySlice<UInt8>, offset: Int64, length: Int)? {
        while true {
            if let nl = buf[start..<end].firstIndex(of: 10) {
                var stop = nl
                if stop > start, buf[stop - 1] == 13 { stop -= 1 }
                let line = buf[start..<stop]
                let offset = fileOffset + Int64(start)
                let length = nl + 1 - start
                start = nl + 1
                lineNumber += 1
                return (line, offset, length)
            }
            if eof {
                guard start < end else { return nil }
                var stop = end
                if buf[stop - 1] == 13 { stop -= 1 }
                let line = buf[start..<stop]
                let offset = fileOffset + Int64(start)
                let length = end - start
                start = end
                lineNumber += 1
                return (line, offset, length)
            }
            // Keep the partial line: move it to the front, grow the buffer if it fills it.
            if start > 0 {
                let n = end - start
                buf.withUnsafeMutableBytes { b in
                    _ = memmove(b.baseAddress!, b.baseAddress! + start, n)
                }
                fileOffset += Int64(start)
                start = 0
                end = n
            }
            if end == buf.count { buf.append(contentsOf: [UInt8](repeating: 0, count: buf.count)) }
            let room = buf.count - end
            let at = end
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + at, room) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Files.ioError("cannot read \(path)")
            }
            if n == 0 { eof = true } else { end += n }
        }
    }
}
