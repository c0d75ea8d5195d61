/* The header compiles alone as strict C99. */
#include "dc1.h"
int main(void) { return dc1_version() ? 0 : 1; }
