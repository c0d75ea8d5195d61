/// Money is integer halala (§1.5); SAR strings are formatted on the client.
enum Money {
    static func sarString(_ halala: Int) -> String {
        let neg = halala < 0
        let a = neg ? -halala : halala
        let cents = a % 100
        return (neg ? "-" : "") + "\(a / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }
    static func sar(_ halala: Int) -> Double { Double(halala) / 100 }
}
