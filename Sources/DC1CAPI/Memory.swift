import Glibc

@c public func dc1_free(_ ptr: UnsafeMutableRawPointer?) {
    free(ptr)
}
