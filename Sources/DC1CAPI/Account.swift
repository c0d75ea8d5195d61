import DC1Core

@c public func dc1_balance(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).balance() }
}

@c public func dc1_me(_ handle: OpaquePointer?, _ out: OutJSON) -> Int32 {
    exported(out) { () throws(DC1Error) in try client(handle).me() }
}
