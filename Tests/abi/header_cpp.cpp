// The header compiles alone as C++.
#include "dc1.h"
int main() { return dc1_version() ? 0 : 1; }
