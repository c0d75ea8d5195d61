/// One server-sent event (HTML Living Standard §9.2 field rules).
public struct SSEEvent: Sendable {
    public var event: String?
    public var data: String
    public var id: String?
    public var retryMs: Int?
}

/// An incremental SSE parser: feed it bytes as they arrive, get whole events back.
/// Comment lines (": keep-alive") are counted but are not events, so they never reset a
/// content-inactivity timer (a stream of keep-alives alone still times out).
public struct SSEParser {
    private var line: [UInt8] = []
    private var lastWasCR = false
    private var event: String? = nil
    private var data: [UInt8] = []
    private var hasData = false
    private var id: String? = nil
    private var retry: Int? = nil
    public private(set) var comments = 0
    /// A cap on one event's size so a hostile stream cannot grow memory without bound.
    public var maxEventBytes = 8 << 20
    public private(set) var overflow = false

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: (SSEEvent) -> Void) {
        for b in bytes {
            if b == 10 && lastWasCR { lastWasCR = false; continue }  // the LF of a CRLF
            lastWasCR = b == 13
            if b == 10 || b == 13 {
                processLine(emit)
                line.removeAll(keepingCapacity: true)
            } else {
                if line.count + data.count > maxEventBytes { overflow = true; continue }
                line.append(b)
            }
        }
    }

    private mutating func processLine(_ emit: (SSEEvent) -> Void) {
        if line.isEmpty {
            if hasData || event != nil {
                emit(SSEEvent(event: event, data: String(decoding: data, as: UTF8.self), id: id, retryMs: retry))
            }
            event = nil; data.removeAll(keepingCapacity: true); hasData = false; retry = nil
            return
        }
        if line[0] == UInt8(ascii: ":") { comments += 1; return }
        var field = line[...]
        var value: ArraySlice<UInt8> = []
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == 32 { value = value.dropFirst() }
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event": event = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(10) }
            data.append(contentsOf: value)
            hasData = true
        case "id": if !value.contains(0) { id = String(decoding: value, as: UTF8.self) }
        case "retry": retry = Int(String(decoding: value, as: UTF8.self))
        default: break
        }
    }
}
