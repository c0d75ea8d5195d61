#!/usr/bin/env python3
"""Adds up the runs in CI logs. A run is what one test runner printed: `make test` prints one
total line at its end; check-memory and check-threads call Tests/run_c_tests.py several times,
each ending with its own total; make dist-check runs Tests/dist/dist_check.py, which ends with one. Prints 'ci: N passed, N failed'."""
import re
import sys

LINE = re.compile(r"^(\d+) passed, (\d+) failed$", re.M)
passed = failed = 0
for path in sys.argv[1:]:
    text = open(path).read()
    # Each runner invocation is echoed by make; its total is the last count line before the next.
    chunks = re.split(r"^(?!===).*\bpython3? Tests/(?:run_\w+|dist/dist_check)\.py.*$", text, flags=re.M)
    chunks = chunks[1:] if len(chunks) > 1 else chunks
    for chunk in chunks:
        counts = LINE.findall(chunk)
        if counts:
            passed += int(counts[-1][0])
            failed += int(counts[-1][1])
print("ci: %d passed, %d failed" % (passed, failed))
