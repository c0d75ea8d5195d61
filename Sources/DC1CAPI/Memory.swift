import CDC1
import Glibc

@c @implementation public func dc1_free(_ ptr: UnsafeMutableRawPointer?) {
    free(ptr)
}
