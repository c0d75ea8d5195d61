@_exported import DC1Core
