import CDC1
import DC1Core

// "Batch": the batch runner of the core (Sources/DC1Core/Batch), with its events delivered
// to the caller's callback on the calling thread.

@c @implementation public func dc1_batch_run(
    _ handle: OpaquePointer?, _ inputPath: UnsafePointer<CChar>?,
    _ options: UnsafePointer<CChar>?, _ onEvent: dc1_event_fn?,
    _ user: UnsafeMutableRawPointer?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let path = try text(inputPath, "input_path")
        let o = try Batch.Options.from(try jsonArgument(options, "options_json"))
        guard let onEvent else { return try c.batch.run(inputPath: path, options: o, onEvent: nil) }
        return try c.batch.run(inputPath: path, options: o) { deliver(onEvent, user, $0, c.redactor) }
    }
}

@c @implementation public func dc1_batch_status(_ journalPath: UnsafePointer<CChar>?, _ out: OutJSON) -> Int32 {
    exportedWithoutClient(out) { () throws(DC1Error) in
        try Batch.status(journalPath: try text(journalPath, "journal_path"))
    }
}
