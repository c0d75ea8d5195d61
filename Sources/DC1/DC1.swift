// The Swift API of libdc1: `import DC1`. Typed models over the same core the C library uses.
@_exported import struct DC1Core.DC1Error
@_exported import struct DC1Core.DC1Code
@_exported import class DC1Core.JSON
