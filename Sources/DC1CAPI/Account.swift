import CDC1
import DC1Core

@c @implementation public func dc1_balance(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in try c.account.balance() }
}

@c @implementation public func dc1_me(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out, handle) { (c) throws(DC1Error) in try c.account.me() }
}
