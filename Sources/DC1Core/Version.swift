/// Keep in step with DC1_VERSION_* in include/dc1.h (an ABI test checks it).
public let libraryVersion = "0.1.0"
