import DC1Core
import Glibc

/// Local files: the script of a custom_container job, and saved outputs.
enum FileIO {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// Reads a whole file ("-" reads stdin).
    static func read(_ path: String, limit: Int = 8 << 20) throws -> [UInt8] {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw DC1Error(.io, "cannot open \(path): \(errnoText())") }
        defer { if fd != 0 { close(fd) } }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DC1Error(.io, "cannot read \(path): \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > limit { throw DC1Error(.io, "\(path) is larger than \(limit >> 20) MiB") }
        }
        return out
    }

    /// Writes bytes through a temporary file and a rename, so a failure never leaves a
    /// half-written file under the final name. "-" writes to stdout.
    static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            try writeAll(1, bytes, path)
            return
        }
        let tmp = "\(path).dc1tmp-\(getpid())-\(Clock.nowMs() % 1_000_000)"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw DC1Error(.io, "cannot create \(path): \(errnoText())") }
        do {
            try writeAll(fd, bytes, path)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        guard close(fd) == 0 else {
            let m = errnoText()
            unlink(tmp)
            throw DC1Error(.io, "cannot write \(path): \(m)")
        }
        guard rename(tmp, path) == 0 else {
            let m = errnoText()
            unlink(tmp)
            throw DC1Error(.io, "cannot rename the output into \(path): \(m)")
        }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws {
        var written = 0
        try bytes.withUnsafeBytes { buf in
            while written < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DC1Error(.io, "cannot write \(path): \(errnoText())")
                }
                written += n
            }
        }
    }
}
