// The Swift API of libdc1: `import DC1`. Async calls and AsyncSequence streams over the same
// core the C library uses (DC1Core), never over the C ABI.
@_exported import struct DC1Core.DC1Error
@_exported import struct DC1Core.DC1Code
