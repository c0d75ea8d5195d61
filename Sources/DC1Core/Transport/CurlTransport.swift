import CCurl
import Glibc
import Synchronization

/// libcurl is initialised once per process, lazily and thread-safely (a global `let`), with
/// zeroing allocators: libcurl copies request headers (the one holding the key among them)
/// into its own heap buffers — the serialised request, header lists — and frees them without
/// clearing them. Every block libcurl allocates through these callbacks carries its capacity
/// in a 16-byte header and is wiped with explicit_bzero when freed or moved by realloc, so no
/// copy of the key outlives the transfer that needed it.
///
/// If the host program called curl_global_init first, curl_global_init_mem changes nothing
/// (libcurl keeps its first allocator and only counts the call); `curlBuffersWiped` is then
/// false and libcurl's copies are not wiped (the header list libdc1 builds still is).
let curlGlobalInit: CURLcode = {
    let rc = curl_global_init_mem(
        Int(CURL_GLOBAL_DEFAULT), ZeroingAllocator.malloc, ZeroingAllocator.free,
        ZeroingAllocator.realloc, ZeroingAllocator.strdup, ZeroingAllocator.calloc)
    // Probe: does libcurl allocate through us? (It does not when it was initialised before.)
    let before = ZeroingAllocator.calls.load(ordering: .relaxed)
    let probe = "x".withCString { curl_slist_append(nil, $0) }
    curl_slist_free_all(probe)
    ZeroingAllocator.installed.store(ZeroingAllocator.calls.load(ordering: .relaxed) != before, ordering: .releasing)
    return rc
}()

/// Whether libcurl's own buffers are wiped when freed (false when the host program initialised
/// libcurl before libdc1 did).
public var curlBuffersWiped: Bool {
    _ = curlGlobalInit
    return ZeroingAllocator.installed.load(ordering: .acquiring)
}

/// malloc/free/realloc/strdup/calloc for libcurl that wipe every block before releasing it.
enum ZeroingAllocator {
    static let header = 16  // keeps malloc's 16-byte alignment
    static let calls = Atomic<Int>(0)
    static let installed = Atomic<Bool>(false)

    @inline(__always) static func allocate(_ n: Int, zero: Bool) -> UnsafeMutableRawPointer? {
        calls.add(1, ordering: .relaxed)
        let (total, overflow) = n.addingReportingOverflow(header)
        guard !overflow, let base = Glibc.malloc(Swift.max(total, header)) else { return nil }
        base.storeBytes(of: n, as: Int.self)
        let p = base + header
        if zero { memset(p, 0, n) }
        return p
    }

    @inline(__always) static func release(_ p: UnsafeMutableRawPointer?) {
        guard let p else { return }
        let base = p - header
        let n = base.load(as: Int.self)
        explicit_bzero(base, n + header)
        Glibc.free(base)
    }

    static let malloc: curl_malloc_callback = { n in ZeroingAllocator.allocate(n, zero: false) }
    static let free: curl_free_callback = { p in ZeroingAllocator.release(p) }
    static let calloc: curl_calloc_callback = { count, size in
        let (n, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : ZeroingAllocator.allocate(n, zero: true)
    }
    static let strdup: curl_strdup_callback = { s in
        guard let s else { return nil }
        let n = strlen(s) + 1
        guard let p = ZeroingAllocator.allocate(n, zero: false) else { return nil }
        memcpy(p, s, n)
        return p.assumingMemoryBound(to: CChar.self)
    }
    static let realloc: curl_realloc_callback = { p, n in
        guard let p else { return ZeroingAllocator.allocate(n, zero: false) }
        let old = (p - ZeroingAllocator.header).load(as: Int.self)
        if n <= old { return p }  // shrinking in place: the capacity (wiped on free) stays
        guard let q = ZeroingAllocator.allocate(n, zero: false) else { return nil }
        memcpy(q, p, old)
        ZeroingAllocator.release(p)
        return q
    }
}

/// Sees a response body as it arrives and decides what of it to keep in memory (the image
/// download decodes its base64 straight to a file, Output.saveImage). `begin` runs
/// before each attempt; `feed` appends to `body` what the ordinary path should see and
/// returns false to stop the transfer (the reason stays with the filter).
public protocol BodyFilter: AnyObject {
    func begin()
    func feed(_ chunk: UnsafeRawBufferPointer, status: Int, body: inout [UInt8]) -> Bool
}

/// Per-transfer state reached from libcurl's C callbacks.
final class TransferContext {
    var body: [UInt8] = []
    var headers: [(String, String)] = []
    let maxBytes: Int
    var tooLarge = false
    /// Bytes of response header seen (all responses of the transfer, so a flood of 1xx counts).
    var headerBytes = 0
    var headerTooLarge = false
    /// Whether the blank line that ends the final response's header was seen.
    var headersDone = false
    var abortedByCaller = false
    let shouldAbort: () -> Bool
    /// When set, body bytes go here instead of `body` (streaming), with the response headers
    /// seen so far; return false to stop.
    var onData: ((UnsafeRawBufferPointer, [(String, String)]) -> Bool)?
    var stoppedByConsumer = false
    /// Content-Length of the response, when sent: the body buffer is allocated once.
    var expectedLength = 0
    /// When set, every chunk goes through it, and it appends to `body` what it keeps.
    var filter: BodyFilter?
    /// Body bytes received (with a filter, `body` holds only what the filter kept).
    var received = 0
    var status = 0
    var easy: UnsafeMutableRawPointer?

    init(maxBytes: Int, shouldAbort: @escaping () -> Bool) {
        self.maxBytes = maxBytes
        self.shouldAbort = shouldAbort
    }
}

private let writeCallback: dc1_curl_data_fn = { ptr, size, nmemb, userdata in
    let ctx = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
    let n = size * nmemb
    guard n > 0, let ptr else { return 0 }
    let chunk = UnsafeRawBufferPointer(start: ptr, count: n)
    if let filter = ctx.filter {
        if ctx.received + n > ctx.maxBytes { ctx.tooLarge = true; return 0 }
        ctx.received += n
        if ctx.status == 0, let h = ctx.easy { _ = dc1_curl_get_long(h, CURLINFO_RESPONSE_CODE, &ctx.status) }
        if !filter.feed(chunk, status: ctx.status, body: &ctx.body) { ctx.stoppedByConsumer = true; return 0 }
        return n
    }
    if let sink = ctx.onData {
        if !sink(chunk, ctx.headers) { ctx.stoppedByConsumer = true; return 0 }
        return n
    }
    if ctx.body.count + n > ctx.maxBytes { ctx.tooLarge = true; return 0 }
    if ctx.body.isEmpty {
        let want = ctx.expectedLength > 0 ? ctx.expectedLength : Swift.max(n, 4096)
        ctx.body.reserveCapacity(Swift.min(want, ctx.maxBytes))
    }
    ctx.body.append(contentsOf: chunk)
    return n
}

/// The most response header (status line and every field) a transfer accepts; libcurl itself
/// refuses a single header line over CURL_MAX_HTTP_HEADER (100 KiB).
let maxResponseHeaderBytes = 256 * 1024
let curlMaxHeaderLine = 100 * 1024

/// The response headers the client reads; others are skipped without allocating.
private let wantedHeaders: [[UInt8]] = [
    "content-type", "x-request-id", "retry-after", "location", "date",
    "content-length", "ratelimit-remaining", "ratelimit-reset",
    "idempotent-replayed",
].map { Array($0.utf8) }

private let headerCallback: dc1_curl_data_fn = { ptr, size, nmemb, userdata in
    let ctx = Unmanaged<TransferContext>.fromOpaque(userdata!).takeUnretainedValue()
    let n = size * nmemb
    guard let ptr else { return n }
    ctx.headerBytes += n
    if ctx.headerBytes > maxResponseHeaderBytes { ctx.headerTooLarge = true; return 0 }
    let line = UnsafeRawBufferPointer(start: ptr, count: n)
    if n <= 2, n == 1 ? line[0] == 10 : (line[0] == 13 && line[1] == 10) { ctx.headersDone = true; return n }
    if n >= 5, line[0] == UInt8(ascii: "H"), line[1] == UInt8(ascii: "T"), line[2] == UInt8(ascii: "T"),
        line[3] == UInt8(ascii: "P"), line[4] == UInt8(ascii: "/")
    {
        ctx.headers.removeAll(keepingCapacity: true)  // a new response (e.g. after 100)
        ctx.headersDone = false
        ctx.expectedLength = 0
        return n
    }
    guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return n }
    var matched: [UInt8]? = nil
    for w in wantedHeaders where w.count == colon {
        var same = true
        for i in 0..<colon {
            var c = line[i]
            if c >= 65 && c <= 90 { c += 32 }
            if c != w[i] { same = false; break }
        }
        if same { matched = w; break }
    }
    guard let name = matched else { return n }
    var v = line[(colon + 1)...]
    while let f = v.first, f == 32 || f == 9 { v = v.dropFirst() }
    while let l = v.last, l == 10 || l == 13 || l == 32 || l == 9 { v = v.dropLast() }
    let value = String(decoding: v, as: UTF8.self)
    if name.count == 14 && name[8] == UInt8(ascii: "l") { ctx.expectedLength = Int(value) ?? 0 }  // content-length
    ctx.headers.append((String(decoding: name, as: UTF8.self), value))
    return n
}

/// One easy handle driven by its own multi handle. The multi handle keeps the connection
/// cache (keep-alive), and driving the transfer ourselves lets a call notice an interrupt
/// within one poll slice instead of libcurl's once-a-second progress callback.
final class CurlSlot {
    let easy: UnsafeMutableRawPointer
    let multi: UnsafeMutableRawPointer
    /// Whether the options that never change for this client are set on `easy`.
    var configured = false
    /// Whether the last request set a custom method or a body (to undo them for a GET).
    var lastWasWrite = false

    init?() {
        guard let e = curl_easy_init() else { return nil }
        guard let m = curl_multi_init() else { curl_easy_cleanup(e); return nil }
        easy = e
        multi = m
    }

    deinit {
        curl_multi_cleanup(multi)
        curl_easy_cleanup(easy)
    }
}

/// A pool of slots. A call borrows one, so it reuses the connection of an earlier call.
final class HandlePool: @unchecked Sendable {
    private let lock = Lock()
    private var idle: [CurlSlot] = []
    private let capacity: Int

    init(capacity: Int) {
        _ = curlGlobalInit
        self.capacity = capacity
    }

    func acquire() -> CurlSlot? {
        if let s = lock.withLock({ idle.popLast() }) { return s }
        return CurlSlot()
    }

    func release(_ s: CurlSlot) {
        lock.withLock {
            if idle.count < capacity { idle.append(s) }
        }
    }
}

/// How often a transfer wakes up to check for an interrupt or an idle stream (and so the
/// longest an interrupt waits).
let pollSliceMs: Int32 = 25

/// One HTTP exchange over libcurl, with no retries (Session.send retries).
final class CurlTransport: @unchecked Sendable {
    let options: ClientOptions
    let pool: HandlePool
    private let userAgent: String

    init(options: ClientOptions) {
        self.options = options
        self.pool = HandlePool(capacity: Swift.max(options.poolSize, 0))
        var ua = "libdc1/\(libraryVersion)"
        if let extra = options.userAgent, !extra.isEmpty { ua += " " + extra }
        self.userAgent = ua
    }

    /// Performs one attempt. `deadline` bounds the whole exchange; `shouldAbort` is polled
    /// every poll slice (`pollSliceMs`) while the transfer runs.
    func perform(
        _ req: HTTPRequest, requestID: String, deadline: Deadline,
        fresh: Bool, shouldAbort: @escaping () -> Bool,
        onData: ((UnsafeRawBufferPointer, [(String, String)]) -> Bool)? = nil,
        filter: BodyFilter? = nil
    ) throws(TransportFailure) -> HTTPResponse {
        guard let slot = pool.acquire() else {
            throw TransportFailure(kind: .fatal, message: "could not create a libcurl handle", requestSent: false)
        }
        defer { pool.release(slot) }
        let h = slot.easy
        if !slot.configured {
            configure(h)
            slot.configured = true
        }
        let ctx = TransferContext(maxBytes: options.maxResponseBytes, shouldAbort: shouldAbort)
        ctx.onData = onData
        ctx.filter = filter
        ctx.easy = h
        filter?.begin()
        let ctxPtr = Unmanaged.passUnretained(ctx).toOpaque()

        // Per-request options only: everything else was set once for this slot.
        let url = req.absoluteURL ?? (options.baseURL + req.path)
        _ = url.withCString { dc1_curl_set_str(h, CURLOPT_URL, $0) }
        let remaining = Swift.max(deadline.remainingMs, 1)
        _ = dc1_curl_set_long(h, CURLOPT_TIMEOUT_MS, Int(remaining))
        _ = dc1_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(Swift.min(options.connectTimeoutMs, remaining)))
        _ = dc1_curl_set_long(h, CURLOPT_FRESH_CONNECT, fresh ? 1 : 0)
        _ = dc1_curl_set_ptr(h, CURLOPT_WRITEDATA, ctxPtr)
        _ = dc1_curl_set_ptr(h, CURLOPT_HEADERDATA, ctxPtr)

        let write = req.method != "GET" && req.method != "HEAD"
        if slot.lastWasWrite || req.method == "HEAD" {
            // Undo what a previous write or HEAD left on this handle.
            _ = dc1_curl_set_str(h, CURLOPT_CUSTOMREQUEST, nil)
            _ = dc1_curl_set_long(h, CURLOPT_NOBODY, 0)
        }
        slot.lastWasWrite = write || req.method == "HEAD"
        switch req.method {
        case "GET": _ = dc1_curl_set_long(h, CURLOPT_HTTPGET, 1)
        case "HEAD": _ = dc1_curl_set_long(h, CURLOPT_NOBODY, 1)
        case "POST": _ = dc1_curl_set_long(h, CURLOPT_POST, 1)
        default:
            _ = dc1_curl_set_long(h, CURLOPT_POST, 1)
            _ = req.method.withCString { dc1_curl_set_str(h, CURLOPT_CUSTOMREQUEST, $0) }
        }
        if req.method != "GET" && req.method != "HEAD" {
            let body = req.body ?? []
            _ = dc1_curl_set_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = body.withUnsafeBufferPointer { b in
                // COPYPOSTFIELDS copies, so the buffer need not outlive this call.
                dc1_curl_set_ptr(
                    h, CURLOPT_COPYPOSTFIELDS,
                    UnsafeMutableRawPointer(mutating: b.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            }
        }

        // Headers. The key goes into one slist node that is wiped before it is freed.
        var list: UnsafeMutablePointer<curl_slist>? = nil
        func add(_ s: String) { list = s.withCString { curl_slist_append(list, $0) } ?? list }
        add("Accept: " + req.accept)
        add("X-Request-Id: " + requestID)
        add("Expect:")  // no 100-continue round trip for bodies
        if req.body != nil { add("Content-Type: application/json") }
        for e in req.extraHeaders { add(e) }
        // The key goes only to base_url's host, never to an absolute URL elsewhere.
        if let key = options.apiKey, req.absoluteURL == nil {
            switch req.auth {
            case .renterHeader: list = key.withHeader(prefix: "x-renter-key: ") { curl_slist_append(list, $0) } ?? list
            case .bearer:
                list = key.withHeader(prefix: "Authorization: Bearer ") { curl_slist_append(list, $0) } ?? list
            case .none: break
            }
        }
        defer { freeSlistWiping(list) }
        _ = dc1_curl_set_slist(h, CURLOPT_HTTPHEADER, list)

        // A filtered download (an image to a file) reads in larger pieces: fewer callbacks
        // and writes. Other transfers keep libcurl's default buffer.
        if filter != nil { _ = dc1_curl_set_long(h, CURLOPT_BUFFERSIZE, 256 * 1024) }
        let rc = drive(slot, ctx)
        if filter != nil { _ = dc1_curl_set_long(h, CURLOPT_BUFFERSIZE, 16 * 1024) }
        // The options hold pointers to our slist and context; drop them before returning.
        _ = dc1_curl_set_slist(h, CURLOPT_HTTPHEADER, nil)

        var requestSize: Int = 0
        _ = dc1_curl_get_long(h, CURLINFO_REQUEST_SIZE, &requestSize)
        let sent = requestSize > 0

        if rc != CURLE_OK {
            if ctx.tooLarge {
                throw TransportFailure(
                    kind: .tooLarge,
                    message: "response body exceeds max_response_bytes (\(options.maxResponseBytes))", requestSent: true
                )
            }
            // An oversized header: ours (the total) or libcurl's (one line, which it reports as
            // "Out of memory" or "Too large" before the header is complete).
            if ctx.headerTooLarge {
                throw TransportFailure(
                    kind: .tooLarge,
                    message: "response header over \(maxResponseHeaderBytes) bytes", requestSent: true)
            }
            if !ctx.headersDone && (rc == CURLE_OUT_OF_MEMORY || rc.rawValue == 100 /* CURLE_TOO_LARGE, 8.6+ */) {
                throw TransportFailure(
                    kind: .tooLarge,
                    message: "response header over \(curlMaxHeaderLine) bytes (one header line)", requestSent: true)
            }
            if ctx.abortedByCaller {
                throw TransportFailure(kind: .interrupted, message: "interrupted", requestSent: sent)
            }
            if ctx.stoppedByConsumer, onData != nil || filter != nil {
                return HTTPResponse(status: responseCode(h), headers: ctx.headers, body: ctx.body, requestID: requestID)
            }
            let msg = String(cString: curl_easy_strerror(rc))
            switch rc {
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
                throw TransportFailure(
                    kind: .notSent, message: "\(msg) (\(hostOf(options.baseURL)))", requestSent: false)
            case CURLE_OPERATION_TIMEDOUT:
                throw TransportFailure(
                    kind: .timeout, message: "no complete response within the deadline", requestSent: sent)
            case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
                CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
                throw TransportFailure(kind: .fatal, message: msg, requestSent: false)
            case CURLE_PARTIAL_FILE:
                throw TransportFailure(
                    kind: .truncated,
                    message: "truncated response: the connection closed before the whole body arrived",
                    requestSent: true)
            case CURLE_SSL_CONNECT_ERROR:
                throw TransportFailure(kind: sent ? .broken : .notSent, message: msg, requestSent: sent)
            default:
                throw TransportFailure(kind: sent ? .broken : .notSent, message: msg, requestSent: sent)
            }
        }
        let status = responseCode(h)
        let rid = ctx.headers.last { $0.0 == "x-request-id" }?.1 ?? requestID
        return HTTPResponse(status: status, headers: ctx.headers, body: ctx.body, requestID: rid)
    }

    /// The options that stay the same for every request of this client.
    private func configure(_ h: UnsafeMutableRawPointer) {
        _ = "http,https".withCString { dc1_curl_set_str(h, CURLOPT_PROTOCOLS_STR, $0) }
        _ = userAgent.withCString { dc1_curl_set_str(h, CURLOPT_USERAGENT, $0) }
        _ = dc1_curl_set_long(h, CURLOPT_NOSIGNAL, 1)
        _ = dc1_curl_set_long(h, CURLOPT_FOLLOWLOCATION, 0)  // a redirect is reported, never followed
        _ = dc1_curl_set_long(h, CURLOPT_TCP_KEEPALIVE, 1)
        _ = dc1_curl_set_long(h, CURLOPT_TCP_KEEPIDLE, 30)
        _ = dc1_curl_set_long(h, CURLOPT_TCP_KEEPINTVL, 15)
        _ = dc1_curl_set_long(h, CURLOPT_TCP_NODELAY, 1)
        if let ca = options.caPath {
            _ = ca.withCString { dc1_curl_set_str(h, CURLOPT_CAINFO, $0) }
        } else {
            CATrust.resolved.apply(h)
        }
        if options.insecureSkipVerify {
            _ = dc1_curl_set_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = dc1_curl_set_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let proxy = options.proxy { _ = proxy.withCString { dc1_curl_set_str(h, CURLOPT_PROXY, $0) } }
        _ = dc1_curl_set_data_fn(h, CURLOPT_WRITEFUNCTION, writeCallback)
        _ = dc1_curl_set_data_fn(h, CURLOPT_HEADERFUNCTION, headerCallback)
        _ = dc1_curl_set_long(h, CURLOPT_NOPROGRESS, 1)
    }

    /// Runs the transfer on the slot's multi handle, checking `shouldAbort` every poll slice.
    private func drive(_ slot: CurlSlot, _ ctx: TransferContext) -> CURLcode {
        guard curl_multi_add_handle(slot.multi, slot.easy) == CURLM_OK else { return CURLE_FAILED_INIT }
        defer { curl_multi_remove_handle(slot.multi, slot.easy) }
        var running: Int32 = 0
        while true {
            if curl_multi_perform(slot.multi, &running) != CURLM_OK { return CURLE_FAILED_INIT }
            var left: Int32 = 0
            while let msg = curl_multi_info_read(slot.multi, &left) {
                if msg.pointee.msg == CURLMSG_DONE { return msg.pointee.data.result }
            }
            if ctx.shouldAbort() {
                ctx.abortedByCaller = true
                return CURLE_ABORTED_BY_CALLBACK
            }
            _ = curl_multi_poll(slot.multi, nil, 0, pollSliceMs, nil)
        }
    }

    private func responseCode(_ h: UnsafeMutableRawPointer) -> Int {
        var code: Int = 0
        _ = dc1_curl_get_long(h, CURLINFO_RESPONSE_CODE, &code)
        return code
    }
}

/// Where the CAs come from when the client sets no `ca_path` (which always wins). A libcurl
/// carried inside a package keeps the CA location compiled into it (Debian's), which other
/// distributions do not have, so: `SSL_CERT_FILE` and `SSL_CERT_DIR` are honoured as OpenSSL
/// and Python honour them (each replaces its own default); with neither set and the compiled-in
/// bundle absent, the well-known bundle files, then hashed directories, are probed. Resolved
/// once per process; `nil` fields leave libcurl's own setting alone.
struct CATrust {
    var file: String?
    var dir: String?
    var clearDir = false

    static let bundles = [
        "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Gentoo, Arch
        "/etc/pki/tls/certs/ca-bundle.crt",  // Fedora, RHEL
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL, CentOS 7+
        "/etc/ssl/ca-bundle.pem",  // openSUSE, SLES
        "/etc/ssl/cert.pem",  // Alpine, macOS, the BSDs
        "/etc/pki/tls/cacert.pem",  // OpenELEC
        "/usr/local/share/certs/ca-root-nss.crt",  // FreeBSD
    ]
    static let directories = ["/etc/ssl/certs", "/etc/pki/tls/certs", "/system/etc/security/cacerts"]

    static let resolved: CATrust = {
        var t = CATrust()
        let envFile = Environment.get("SSL_CERT_FILE")
        let envDir = Environment.get("SSL_CERT_DIR")
        if envFile != nil || envDir != nil {
            t.file = envFile
            t.dir = envDir
            return t
        }
        let info = curl_version_info(CURLVERSION_SEVENTH)  // cainfo and capath came in the seventh
        func text(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        let builtIn = info.flatMap { text($0.pointee.cainfo) }
        let builtInDir = info.flatMap { text($0.pointee.capath) }
        if let builtIn, isFile(builtIn) { return t }
        if let found = bundles.first(where: isFile) {
            t.file = found
            t.clearDir = builtInDir.map { !isDirectory($0) } ?? false
        } else if builtInDir.map(isDirectory) != true, let dir = directories.first(where: isDirectory) {
            t.dir = dir
        }
        return t
    }()

    func apply(_ h: UnsafeMutableRawPointer) {
        if let file { _ = file.withCString { dc1_curl_set_str(h, CURLOPT_CAINFO, $0) } }
        if let dir {
            _ = dir.withCString { dc1_curl_set_str(h, CURLOPT_CAPATH, $0) }
        } else if clearDir {
            _ = dc1_curl_set_str(h, CURLOPT_CAPATH, nil)
        }
    }

    static func isFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }
}

/// Frees a header list after overwriting every string (one holds the key).
func freeSlistWiping(_ list: UnsafeMutablePointer<curl_slist>?) {
    var node = list
    while let n = node {
        if let d = n.pointee.data { Wipe.bytes(d, strlen(d)) }
        node = n.pointee.next
    }
    curl_slist_free_all(list)
}

func hostOf(_ url: String) -> String {
    (try? BaseURL.parse(url))?.host ?? "?"
}
