import CDC1
import DC1Core

@c @implementation public func dc1_request(
    _ handle: OpaquePointer?, _ method: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?,
    _ body: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        let m = try text(method, "method")
        let p = try text(path, "path")
        return try c.request(method: m, path: p, body: try jsonArgument(body, "body_json"))
    }
}
