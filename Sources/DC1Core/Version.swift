import CDC1

/// The library's version: DC1_VERSION_STRING of include/dc1.h, the one place it is written.
public let libraryVersion = DC1_VERSION_STRING
