/// Small charts of Unicode blocks, for `dc1 usage` in a terminal.
enum Chart {
    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One row per (label, halala): the label, a bar as wide as its share of the largest value
    /// (`width` cells, in eighths), and the amount in SAR.
    static func bars(_ rows: [(String, Int)], width: Int = 30) -> [String] {
        let top = max(rows.map { $0.1 }.max() ?? 0, 1)
        let labelWidth = rows.map { $0.0.count }.max() ?? 0
        return rows.map { label, v in
            let units = v * width * 8 / top  // eighths of a cell
            var bar = String(repeating: "█", count: units / 8)
            if units % 8 > 0 { bar.append(eighths[units % 8]) }
            if v > 0 && bar.isEmpty { bar = "▏" }
            let pad = String(repeating: " ", count: labelWidth - label.count)
            let barPad = String(repeating: " ", count: max(0, width + 1 - bar.count))
            return label + pad + "  " + bar + barPad + Format.sar(halala: v)
        }
    }

    /// One cell per value, eight heights; zero is the lowest block.
    static func spark(_ values: [Int]) -> String {
        let top = max(values.max() ?? 0, 1)
        return String(values.map { v in v == 0 ? levels[0] : levels[min(7, max(1, (v * 7 + top - 1) / top))] })
    }
}
