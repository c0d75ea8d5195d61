import CDC1
import DC1Core

@c @implementation public func dc1_providers_list(
    _ handle: OpaquePointer?, _ filter: UnsafePointer<CChar>?, _ out: OutJSON
) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in
        return try c.providers.list(filter: try jsonArgument(filter, "filter_json"))
    }
}

@c @implementation public func dc1_provider_get(_ handle: OpaquePointer?, _ providerID: Int64, _ out: OutJSON) -> Int32
{
    exported(out, handle) { (c) throws(DC1Error) in
        guard providerID > 0, providerID <= Int64(Int32.max) else {
            throw DC1Error(.invalidArgument, "provider_id must be a positive integer")
        }
        return try c.providers.get(Int(providerID))
    }
}
