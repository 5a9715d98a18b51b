#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""Slow REST clients against real ones.

Opens --slow connections from --slow-src to HOST:PORT, each sending a
request line and then one header line every --period seconds, never
finishing its headers (reconnecting, as an attacker would, whenever the
server closes one). Once all are open and --warmup seconds later, --real
requests are made one after another with curl from --real-src, each
allowed --max-time seconds, while the slow ones go on.

Prints one summary line:
  slow N from SRC every P s: held H (min..max), reconnects R, refused F;
  real: OK/REAL ok, max T s, median M s
where "held" is how many slow connections the server still kept open at
the last tick (the fewest and most over all ticks), "reconnects" how often
it had closed one, "refused" failed connects.
and exits 0 if every real request got HTTP 200 within --max-time, else 1.
Traffic goes only to HOST (a loopback address in the test's namespace);
the run is bounded: warm-up plus --real requests of --max-time each.
"""
import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time


class Slow:
    """The slow connections and their counters."""

    def __init__(self, a):
        self.a = a
        self.socks = []
        self.reconnects = 0
        self.refused = 0
        self.held = []  # connections the server still held at each tick
        self.stop = threading.Event()
        self.n = 0

    def open_one(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(1.0)
        try:
            s.bind((self.a.slow_src, 0))
            s.connect((self.a.host, self.a.port))
            s.sendall(b"GET /get_of_counts HTTP/1.1\r\nHost: x\r\n")
        except OSError:
            self.refused += 1
            s.close()
            return None
        s.setblocking(False)
        return s

    def alive(self, s):
        """False once the server closed or answered (and gave up on) it."""
        try:
            s.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return True  # nothing to read: still waiting for its headers
        except OSError:
            return False
        return False  # closed (b""), or a reply: the server gave up on it

    def tick(self):
        keep = []
        held = 0
        for s in self.socks:
            ok = self.alive(s)
            if ok:
                held += 1
                self.n += 1
                try:
                    s.send(b"X-Slow-%d: %d\r\n" % (self.n, self.n))
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    ok = False
            if ok:
                keep.append(s)
            else:
                s.close()
                self.reconnects += 1
                t = self.open_one()
                if t:
                    keep.append(t)
        self.socks = keep
        self.held.append(held)

    def open_all(self):
        for _ in range(self.a.slow):
            s = self.open_one()
            if s:
                self.socks.append(s)

    def run(self):
        while not self.stop.wait(self.a.period):
            self.tick()
        for s in self.socks:
            s.close()


def real_request(a):
    """One curl request: (HTTP code, seconds)."""
    cmd = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}",
           "--max-time", str(a.max_time), "--interface", a.real_src,
           "http://%s:%d/get_of_counts" % (a.host, a.port)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    took = time.monotonic() - t0
    try:
        code = int(p.stdout.split()[0])
    except (IndexError, ValueError):
        code = 0
    return code, took


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--slow-src", default="127.0.0.2")
    ap.add_argument("--period", type=float, default=4.0)
    ap.add_argument("--warmup", type=float, default=6.0)
    ap.add_argument("--real", type=int, default=20)
    ap.add_argument("--real-src", default="127.0.0.1")
    ap.add_argument("--max-time", type=float, default=3.0)
    a = ap.parse_args()

    slow = Slow(a)
    t0 = time.monotonic()
    slow.open_all()
    opened = time.monotonic() - t0
    th = threading.Thread(target=slow.run, daemon=True)
    th.start()
    time.sleep(a.warmup)
    results = [real_request(a) for _ in range(a.real)]
    slow.stop.set()
    th.join(a.period + 5)

    ok = [t for c, t in results if c == 200 and t <= a.max_time]
    times = [t for _, t in results]
    held = slow.held or [0]
    print("slow %d from %s every %g s (opened in %.1f s): held %d (%d..%d), "
          "reconnects %d, refused %d; real: %d/%d ok, max %.3f s, "
          "median %.3f s"
          % (a.slow, a.slow_src, a.period, opened, held[-1], min(held),
             max(held), slow.reconnects, slow.refused, len(ok), a.real,
             max(times), statistics.median(times)))
    bad = [(c, round(t, 3)) for c, t in results
           if not (c == 200 and t <= a.max_time)]
    if bad:
        print("failed requests (HTTP code, seconds): %s" % bad)
    return 0 if len(ok) == a.real else 1


if __name__ == "__main__":
    sys.exit(main())
