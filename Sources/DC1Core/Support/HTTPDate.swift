/// IMF-fixdate, as in `Retry-After: Sun, 29 Nov 2026 06:00:00 GMT`.
enum HTTPDate {
    static func parse(_ s: String) -> Double? {
        let parts = s.split(separator: " ")
        guard parts.count >= 5 else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let day = Int(parts[1]), let mon = months.firstIndex(of: parts[2].lowercased()),
            let year = Int(parts[3])
        else { return nil }
        let hms = parts[4].split(separator: ":")
        guard hms.count == 3, let h = Int(hms[0]), let m = Int(hms[1]), let sec = Int(hms[2]) else { return nil }
        let iso =
            String(format4(year)) + "-" + two(mon + 1) + "-" + two(day) + "T" + two(h) + ":" + two(m) + ":" + two(sec)
        return Timestamp.parse(iso)
    }
    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func format4(_ v: Int) -> String {
        let s = "\(v)"
        return String(repeating: "0", count: Swift.max(0, 4 - s.count)) + s
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let u = Array(self.utf8)
        var start = 0, end = u.count
        func space(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        while start < end, space(u[start]) { start += 1 }
        while end > start, space(u[end - 1]) { end -= 1 }
        return String(decoding: u[start..<end], as: UTF8.self)
    }
}
