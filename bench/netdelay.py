"""A user-space netem: joins two network namespaces through two TUN devices and forwards
every IP packet from one to the other after a fixed one-way delay.

The benchmark machine's kernel has no sch_netem (``tc qdisc … netem`` fails with "Specified
qdisc kind is unknown"), so this stands in for ``tc qdisc add dev … root netem delay 10ms`` on
both ends of a veth pair: each packet, in each direction, is held for ``--delay-ms`` before
it is handed to the other namespace, so TCP and TLS handshakes pay the round trip as they
would on a real link. Packets stay inside the two namespaces the benchmark created.

Usage (root): python3 netdelay.py NS_A ADDR_A NS_B ADDR_B PREFIXLEN DELAY_MS
Prints "READY" once both ends are up; stops on SIGTERM or when stdin closes.
"""
import fcntl
import heapq
import os
import select
import signal
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name: str) -> int:
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True)


def main() -> int:
    ns_a, addr_a, ns_b, addr_b, plen, delay_ms = sys.argv[1:7]
    delay = float(delay_ms) / 1000.0
    tag = str(os.getpid())[-5:]
    names = (f"dc1ta{tag}", f"dc1tb{tag}")
    fds = []
    for name, ns, addr in ((names[0], ns_a, addr_a), (names[1], ns_b, addr_b)):
        fd = open_tun(name)
        fds.append(fd)
        ip("link", "set", name, "netns", ns)
        ip("-n", ns, "addr", "add", f"{addr}/{plen}", "dev", name)
        ip("-n", ns, "link", "set", name, "up")
    other = {fds[0]: fds[1], fds[1]: fds[0]}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    print("READY", flush=True)
    queue = []  # (due, seq, out_fd, packet)
    seq = 0
    watch = fds + [sys.stdin.fileno()]
    while not stop:
        timeout = None
        if queue:
            timeout = max(0.0, queue[0][0] - time.monotonic())
        try:
            ready, _, _ = select.select(watch, [], [], timeout)
        except InterruptedError:
            continue
        now = time.monotonic()
        for fd in ready:
            if fd == sys.stdin.fileno():
                if not os.read(fd, 4096):
                    stop.append(1)
                continue
            while True:
                try:
                    pkt = os.read(fd, 65536)
                except BlockingIOError:
                    break
                seq += 1
                heapq.heappush(queue, (now + delay, seq, other[fd], pkt))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, pkt = heapq.heappop(queue)
            try:
                os.write(out, pkt)
            except OSError:
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
