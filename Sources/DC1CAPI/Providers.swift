import CDC1
import DC1Core

@c @implementation public func dc1_providers_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.providers.list(filter: try jsonArgument(filter, "filter_json"))
    }
}
