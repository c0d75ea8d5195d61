import Glibc

/// The batch runner's files: the journal, the lock that makes one run at a time own it, and
/// the check that no two of the paths a run writes are the same file as each other or as
/// its input.
enum BatchFiles {
    /// FNV-1a 64 of a line's bytes: the journal remembers what each line said. Not a
    /// cryptographic hash (nothing here is adversarial: it notices an edited input), and kept
    /// so that journals written by 0.1.0 still resume. `seed` continues an earlier hash.
    static func hash<C: Collection>(_ bytes: C, seed: UInt64 = 0xcbf2_9ce4_8422_2325) -> UInt64
    where C.Element == UInt8 {
        var h = seed
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    static func hex(_ h: UInt64) -> String {
        let s = String(h, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

/// The journal: an append-only JSON Lines file, each record written with one write() and
/// fsync'd before the runner acts on it. A record cut short by a crash is the last line and
/// does not parse; it is ignored (and a newline is appended before the next record). Every
/// record passes the client's redactor on its way to disk: the file never holds the key.
final class BatchJournal {
    let path: String
    let redactor: Redactor
    private var fd: Int32 = -1

    init(path: String, redactor: Redactor) {
        self.path = path
        self.redactor = redactor
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Calls `body` with each readable record and where it sits in the file (unreadable lines
    /// skipped). Returns false when there is no journal. Reads in constant memory.
    @discardableResult
    static func forEach(_ path: String, _ body: (JSON, Int64, Int) throws(DC1Error) -> Void) throws(DC1Error) -> Bool {
        guard var reader = try LineReader(path) else { return false }
        defer { reader.close() }
        while let l = try reader.next() {
            if l.bytes.isEmpty { continue }
            guard let j = try? JSON.parse(Array(l.bytes)), j.isObject else { continue }
            try body(j, l.offset, l.bytes.count)
        }
        return true
    }

    /// One record read back from where `append` or `forEach` said it is.
    func read(offset: Int64, length: Int) throws(DC1Error) -> JSON? {
        let bytes = try Files.read(path, offset: offset, count: length)
        return try? JSON.parse(bytes)
    }

    func open_() throws(DC1Error) {
        fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Files.ioError("cannot open the journal \(path)") }
        // A torn last record (SIGKILL inside a write): start the next one on a new line.
        let size = lseek(fd, 0, SEEK_END)
        if size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, size - 1) == 1, last != 10 { try Files.writeAll(fd, [10], path) }
        }
    }

    /// Appends one record and makes it durable. Returns where the record sits (offset and
    /// length without the newline).
    @discardableResult
    func append(_ record: JSON) throws(DC1Error) -> (offset: Int64, length: Int) {
        if fd < 0 { try open_() }
        record.set("at", Clock.wallSeconds())
        var bytes = record.dumpBytes()
        if let red = redactor.redactBytes(bytes) { bytes = red }
        let length = bytes.count
        bytes.append(10)
        let offset = Int64(lseek(fd, 0, SEEK_END))
        try Files.writeAll(fd, bytes, path)
        guard fsync(fd) == 0 else { throw Files.ioError("cannot fsync the journal \(path)") }
        return (offset, length)
    }
}

/// One run at a time per journal: an exclusive flock on "<journal>.lock", held for the whole
/// run and released by the kernel if the process dies (so a resume right after a SIGKILL
/// proceeds). The file holds the holder's PID, for the message of the run that is refused.
/// The lock file stays in place between runs (removing it would let two runs lock two
/// different files).
final class BatchLock {
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { release() }

    static func path(forJournal journal: String) -> String { journal + ".lock" }

    static func acquire(journalPath: String, stop: () -> Bool) throws(DC1Error) -> BatchLock {
        let path = BatchLock.path(forJournal: journalPath)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Files.ioError("cannot open the journal's lock \(path)") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let err = errno
            guard err == EWOULDBLOCK else {
                close(fd)
                throw Files.ioError("cannot lock \(path)", err)
            }
            // The holder writes its PID just after it takes the lock: give it a moment (two
            // runs started together meet exactly in that window).
            var pid: Int? = nil
            for _ in 0..<40 {
                var buf = [UInt8](repeating: 0, count: 32)
                let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 31, 0) }
                if n > 0, let p = Int(String(decoding: buf[0..<n], as: UTF8.self).trimmingSpaces) {
                    pid = p
                    break
                }
                guard Clock.sleep(ms: 5, stop: stop) else { break }
            }
            close(fd)
            var e = DC1Error(
                .busy,
                "another batch run is using the journal \(journalPath)"
                    + (pid.map { " (pid \($0))" } ?? "")
                    + "; wait for it, or stop it and run again to resume. Nothing was submitted.")
            e.setDetail("journal_path", .string(journalPath))
            if let pid { e.setDetail("pid", .int(pid)) }
            throw e
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress!, $0.count, 0) }
        return BatchLock(path: path, fd: fd)
    }

    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        _ = flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}

/// Refuses a run whose paths would destroy data: the input, the results file, the journal and
/// its lock must be four different files, and the save directory none of them (nor the
/// directory of one whose name a saved image could take). Paths are compared after resolving
/// symlinks and "..", and by device and inode where the files exist (hard links).
enum BatchPaths {
    struct Resolved {
        let given: String
        let canonical: String
        let id: (dev: UInt64, ino: UInt64)?
    }

    static func resolve(_ path: String) -> Resolved {
        var st = stat()
        let id: (UInt64, UInt64)? = stat(path, &st) == 0 ? (UInt64(st.st_dev), UInt64(st.st_ino)) : nil
        if let p = realpath(path, nil) {
            defer { free(p) }
            return Resolved(given: path, canonical: String(cString: p), id: id)
        }
        // Not there yet: resolve its directory, keep its name.
        let dir = Files.directory(of: path)
        let name =
            path.hasSuffix("/") ? "" : String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        if let d = realpath(dir, nil) {
            defer { free(d) }
            let base = String(cString: d)
            return Resolved(given: path, canonical: (base == "/" ? "" : base) + "/" + name, id: id)
        }
        return Resolved(given: path, canonical: path, id: id)
    }

    static func same(_ a: Resolved, _ b: Resolved) -> Bool {
        if let x = a.id, let y = b.id, x.dev == y.dev, x.ino == y.ino { return true }
        return a.canonical == b.canonical
    }

    static func check(input: String, out: String, journal: String, saveDir: String?) throws(DC1Error) {
        let files: [(String, Resolved)] = [
            ("input_path", resolve(input)), ("out_path", resolve(out)), ("journal_path", resolve(journal)),
            ("the journal's lock file", resolve(BatchLock.path(forJournal: journal))),
        ]
        for i in 0..<files.count {
            for j in (i + 1)..<files.count where same(files[i].1, files[j].1) {
                throw clash(files[i], files[j])
            }
        }
        guard let saveDir else { return }
        let dir = resolve(saveDir)
        for f in files {
            if same(dir, f.1) { throw clash(("save_dir", dir), f) }
            // A saved image is "<save_dir>/<id or line-N>.png": a .png file in that directory
            // could be written over.
            if f.1.canonical.hasSuffix(".png"), resolve(Files.directory(of: f.1.canonical)).canonical == dir.canonical {
                var e = DC1Error(
                    .invalidArgument,
                    "batch: \(f.0) \(f.1.given) is a .png file inside save_dir \(saveDir), where a saved image "
                        + "could take its name; choose another save_dir. Nothing was submitted.")
                e.setDetail("clash", .array([.string("save_dir"), .string(f.0)]))
                throw e
            }
        }
    }

    private static func clash(_ a: (String, Resolved), _ b: (String, Resolved)) -> DC1Error {
        var e = DC1Error(
            .invalidArgument,
            "batch: \(a.0) \(a.1.given) and \(b.0) \(b.1.given) are the same file; the run would "
                + "overwrite it. Give each its own path. Nothing was submitted.")
        e.setDetail("clash", .array([.string(a.0), .string(b.0)]))
        return e
    }
}
