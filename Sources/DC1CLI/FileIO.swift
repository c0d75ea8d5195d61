import DC1Core

/// Local files of the CLI (a custom_container script, a webhook body, a saved output): thin
/// names over the core's one file writer and reader (DC1Core/Support/Files.swift).
enum FileIO {
    /// Reads a whole file ("-" reads stdin), at most `limit` bytes.
    static func read(_ path: String, limit: Int = 8 << 20) throws -> [UInt8] {
        guard let bytes = try Files.read(path, limit: limit) else {
            throw DC1Error(.io, "cannot open \(path): No such file or directory")
        }
        return bytes
    }

    /// Writes bytes atomically (an O_EXCL temporary, fsync, rename); "-" writes to stdout.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try Files.writeAtomically(path, bytes)
    }
}
