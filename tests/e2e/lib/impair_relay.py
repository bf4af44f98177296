#!/usr/bin/python3
"""impair_relay.py - a UDP relay that impairs a network path, for end-to-end
tests of calls over bad networks (tests/e2e/test_loss_chromium.mjs,
test_ratelimit_chromium.mjs, tests/bench/quality_bench.mjs).

It sits between the browsers and the server's media port, like a NAT: it
listens on LISTEN (the address the server advertises with --public-address)
and opens one upstream socket per client address towards UPSTREAM, relaying
the server's replies back to that client. Per direction ("up": client to
server, "down": server to client) it can

  - drop a share of datagrams (seeded random; STUN and DTLS exempt by default,
    so a test measures media recovery, not handshake luck),
  - limit the rate with a token-bucket shaper per client (rate, burst, and a
    queue bound in milliseconds beyond which datagrams are tail-dropped, like
    tbf): each client has an access link of its own,
  - delay by a fixed one-way delay plus optional uniform jitter, keeping the
    order (a datagram never overtakes an earlier one), and
  - reorder: a share of datagrams gets an extra delay and may be overtaken.

It does not look inside SRTP, change any byte, or relay TCP.

Control channel: JSON lines on stdin, answers as JSON lines on stdout (each
answer echoes the request's "id"):
  {"cmd": "stats"}                        -> {"id", "stats": {...}}
  {"cmd": "set", "dir": "up"|"down"|"both", "loss": 0.02, "delay_ms": 25,
   "jitter_ms": 0, "reorder": 0, "reorder_ms": 10, "rate_kbit": 600,
   "burst_bytes": 4000, "queue_ms": 200, "exempt_handshake": true}
                                          -> {"id", "config": {...}}
   (rate_kbit 0 or null: no rate limit; only the keys given change)
  {"cmd": "reset"}                        -> counters back to zero, {"id", "stats"}
  {"cmd": "quit"}                         -> final stats, exit 0
At start it prints {"ready": {...}}; on SIGTERM/SIGINT (or when stdin ends,
unless --keep-running: the test that started it is gone) it prints
{"final": stats} and exits 0. SIGUSR1 prints {"stats": ...}.

Counters per direction: received, forwarded and dropped datagrams (by reason:
loss, rate queue, send error) and bytes, and per class (stun, dtls, rtp,
rtcp, other) received / dropped.

  /usr/bin/python3 tests/e2e/lib/impair_relay.py --listen 127.0.0.2:20000 \\
      --upstream 127.0.0.1:20000 --loss 0.02 --delay-ms 25 --seed 1

Python standard library only (asyncio, non-blocking sockets): it never blocks;
sends that the kernel refuses are counted as send errors and dropped.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import socket
import sys
import time

DIRS = ("up", "down")
CLASSES = ("stun", "dtls", "rtp", "rtcp", "other")
MAX_READS_PER_WAKE = 256
SOCKBUF = 4 * 1024 * 1024


def classify(data):
    """RFC 7983 demultiplexing on the first byte, RFC 5761 for RTP vs RTCP."""
    if not data:
        return "other"
    b = data[0]
    if b <= 3:
        return "stun"
    if 20 <= b <= 63:
        return "dtls"
    if 128 <= b <= 191:
        if len(data) >= 2 and 192 <= data[1] <= 223:
            return "rtcp"
        return "rtp"
    return "other"


def parse_addr(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


class Leg:
    """One client's path in one direction: its shaper state and its FIFO of
    datagrams waiting for their delivery time (each client has its own
    access link, so a rate limit applies per client)."""

    __slots__ = ("fifo", "last_due", "tat")

    def __init__(self):
        self.fifo = collections.deque()  # (due, sock, data, addr), due non-decreasing
        self.last_due = 0.0
        self.tat = 0.0  # token bucket: theoretical arrival time (GCRA)


class Direction:
    """The impairments and counters of one direction (shared by all clients)."""

    def __init__(self, name, rng):
        self.name = name
        self.rng = rng
        self.cfg = {
            "loss": 0.0,
            "delay_ms": 0.0,
            "jitter_ms": 0.0,
            "reorder": 0.0,
            "reorder_ms": 10.0,
            "rate_kbit": 0.0,
            "burst_bytes": 4000,
            "queue_ms": 200.0,
            "exempt_handshake": True,
        }
        self.legs = []
        self.reset_counters()

    def reset_counters(self):
        self.c = {
            "received": 0,
            "received_bytes": 0,
            "forwarded": 0,
            "forwarded_bytes": 0,
            "dropped_loss": 0,
            "dropped_rate": 0,
            "dropped_send": 0,
            "reordered": 0,
            "max_queue_ms": 0.0,
        }
        self.by_class = {k: {"received": 0, "dropped": 0} for k in CLASSES}

    def configure(self, changes):
        for key, value in changes.items():
            if key not in self.cfg:
                raise ValueError("unknown setting %r" % key)
            if key == "exempt_handshake":
                self.cfg[key] = bool(value)
            else:
                v = float(value or 0)
                if v < 0 or (key in ("loss", "reorder") and v > 1):
                    raise ValueError("%s out of range: %r" % (key, value))
                self.cfg[key] = v
        if not self.cfg["rate_kbit"]:
            for leg in self.legs:
                leg.tat = 0.0

    def new_leg(self):
        leg = Leg()
        self.legs.append(leg)
        return leg

    def snapshot(self):
        d = dict(self.c)
        d["dropped"] = d["dropped_loss"] + d["dropped_rate"] + d["dropped_send"]
        d["queued"] = sum(len(leg.fifo) for leg in self.legs)
        d["by_class"] = {k: dict(v) for k, v in self.by_class.items()}
        return d

    def admit(self, leg, data, now):
        """Counts a received datagram and decides its fate: returns the time
        it should be delivered at (loop clock), or None when it is dropped."""
        cfg = self.cfg
        kind = classify(data)
        n = len(data)
        self.c["received"] += 1
        self.c["received_bytes"] += n
        self.by_class[kind]["received"] += 1
        handshake = kind in ("stun", "dtls")
        # Random loss (the seeded generator is consulted for every datagram, so a
        # seed gives the same pattern whatever is exempt).
        r = self.rng.random()
        if r < cfg["loss"] and not (handshake and cfg["exempt_handshake"]):
            self.c["dropped_loss"] += 1
            self.by_class[kind]["dropped"] += 1
            return None
        # Token-bucket shaper (GCRA): departure when the bucket holds enough
        # tokens; a datagram that would wait longer than queue_ms is dropped.
        depart = now
        rate = cfg["rate_kbit"] * 1000.0 / 8.0  # bytes per second
        if rate > 0:
            tau = cfg["burst_bytes"] / rate
            tat = max(leg.tat, now)
            depart = max(now, tat - tau)
            wait = depart - now
            if wait * 1000.0 > cfg["queue_ms"]:
                self.c["dropped_rate"] += 1
                self.by_class[kind]["dropped"] += 1
                return None
            leg.tat = tat + n / rate
            self.c["max_queue_ms"] = max(self.c["max_queue_ms"], round(wait * 1000.0, 2))
        due = depart + cfg["delay_ms"] / 1000.0
        if cfg["jitter_ms"] > 0:
            due += self.rng.uniform(0, cfg["jitter_ms"]) / 1000.0
        return due

    def maybe_reorder(self):
        return self.cfg["reorder"] > 0 and self.rng.random() < self.cfg["reorder"]


class Relay:
    def __init__(self, args, loop):
        self.loop = loop
        self.listen = parse_addr(args.listen)
        self.upstream = parse_addr(args.upstream)
        self.rng = random.Random(args.seed)
        self.dirs = {d: Direction(d, random.Random(self.rng.random())) for d in DIRS}
        self.idle_s = args.idle_s
        self.clients = {}  # client addr -> (upstream socket, up Leg, down Leg)
        self.last_seen = {}
        self.started = time.time()
        self.sock = self._socket(self.listen)
        loop.add_reader(self.sock.fileno(), self._on_client)

    def _socket(self, bind_addr):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for opt, force in ((socket.SO_RCVBUF, 33), (socket.SO_SNDBUF, 32)):  # SO_RCVBUFFORCE, SO_SNDBUFFORCE
            try:
                s.setsockopt(socket.SOL_SOCKET, force, SOCKBUF)
            except OSError:
                try:
                    s.setsockopt(socket.SOL_SOCKET, opt, SOCKBUF)
                except OSError:
                    pass
        s.setblocking(False)
        s.bind(bind_addr)
        return s

    # ---- receiving

    def _on_client(self):
        now = self.loop.time()
        for _ in range(MAX_READS_PER_WAKE):
            try:
                data, addr = self.sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue  # e.g. ICMP errors reported on the socket
            client = self.clients.get(addr)
            if client is None:
                up = self._socket((self.upstream[0] if self.upstream[0].startswith("127.") else "0.0.0.0", 0))
                up.connect(self.upstream)
                client = (up, self.dirs["up"].new_leg(), self.dirs["down"].new_leg())
                self.clients[addr] = client
                self.loop.add_reader(up.fileno(), self._on_server, client, addr)
            self.last_seen[addr] = now
            self._impair("up", client[1], data, client[0], None, now)

    def _on_server(self, client, addr):
        up = client[0]
        now = self.loop.time()
        for _ in range(MAX_READS_PER_WAKE):
            try:
                data = up.recv(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            self.last_seen[addr] = now
            self._impair("down", client[2], data, self.sock, addr, now)

    # ---- impairing and delivering

    def _impair(self, dname, leg, data, sock, addr, now):
        d = self.dirs[dname]
        due = d.admit(leg, data, now)
        if due is None:
            return
        if d.maybe_reorder():
            # Held back: later datagrams may overtake it.
            d.c["reordered"] += 1
            self.loop.call_at(due + d.cfg["reorder_ms"] / 1000.0, self._send, d, sock, data, addr)
            return
        due = max(due, leg.last_due)  # never overtake an earlier datagram
        leg.last_due = due
        if due <= now and not leg.fifo:
            self._send(d, sock, data, addr)
            return
        leg.fifo.append((due, sock, data, addr))
        # One timer per datagram; each one sends whatever is due, from the head,
        # so the order holds even when timers with equal times run out of order.
        self.loop.call_at(due, self._drain, d, leg)

    def _drain(self, d, leg):
        now = self.loop.time()
        fifo = leg.fifo
        while fifo and fifo[0][0] <= now + 0.0002:
            _, sock, data, addr = fifo.popleft()
            self._send(d, sock, data, addr)

    def _send(self, d, sock, data, addr):
        try:
            if addr is None:
                sock.send(data)
            else:
                sock.sendto(data, addr)
        except OSError:
            d.c["dropped_send"] += 1
            return
        d.c["forwarded"] += 1
        d.c["forwarded_bytes"] += len(data)

    # ---- housekeeping and control

    def expire(self):
        now = self.loop.time()
        for addr, seen in list(self.last_seen.items()):
            if now - seen > self.idle_s:
                up, leg_up, leg_down = self.clients.pop(addr)
                del self.last_seen[addr]
                self.dirs["up"].legs.remove(leg_up)
                self.dirs["down"].legs.remove(leg_down)
                self.loop.remove_reader(up.fileno())
                up.close()
        self.loop.call_later(max(1.0, self.idle_s / 4), self.expire)

    def config(self):
        return {d: dict(self.dirs[d].cfg) for d in DIRS}

    def stats(self):
        return {
            "uptime_s": round(time.time() - self.started, 3),
            "clients": len(self.clients),
            "up": self.dirs["up"].snapshot(),
            "down": self.dirs["down"].snapshot(),
        }

    def command(self, req):
        cmd = req.get("cmd")
        if cmd == "stats":
            return {"stats": self.stats()}
        if cmd == "set":
            which = req.get("dir", "both")
            if which not in ("up", "down", "both"):
                raise ValueError("dir must be up, down or both")
            changes = {k: v for k, v in req.items() if k not in ("cmd", "dir", "id")}
            for dname in DIRS if which == "both" else (which,):
                self.dirs[dname].configure(changes)
            return {"config": self.config()}
        if cmd == "reset":
            for d in self.dirs.values():
                d.reset_counters()
            return {"stats": self.stats()}
        raise ValueError("unknown command %r" % cmd)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", required=True, help="IP:PORT the clients send to")
    ap.add_argument("--upstream", required=True, help="IP:PORT of the server")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--loss", type=float, default=0.0, help="share dropped, each direction (0-1)")
    ap.add_argument("--loss-up", type=float, default=None)
    ap.add_argument("--loss-down", type=float, default=None)
    ap.add_argument("--delay-ms", type=float, default=0.0, help="one-way delay, each direction")
    ap.add_argument("--jitter-ms", type=float, default=0.0, help="extra delay, uniform 0..J (order kept)")
    ap.add_argument("--reorder", type=float, default=0.0, help="share held back by --reorder-ms")
    ap.add_argument("--reorder-ms", type=float, default=10.0)
    ap.add_argument("--rate-kbit", type=float, default=0.0, help="token-bucket rate, each direction (0: none)")
    ap.add_argument("--burst-bytes", type=float, default=4000)
    ap.add_argument("--queue-ms", type=float, default=200.0, help="longest wait in the shaper before a drop")
    ap.add_argument("--no-exempt-handshake", action="store_true", help="drop STUN and DTLS too")
    ap.add_argument("--idle-s", type=float, default=120.0, help="forget a client silent this long")
    ap.add_argument("--keep-running", action="store_true", help="do not exit when stdin ends")
    args = ap.parse_args()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    relay = Relay(args, loop)
    common = {
        "delay_ms": args.delay_ms,
        "jitter_ms": args.jitter_ms,
        "reorder": args.reorder,
        "reorder_ms": args.reorder_ms,
        "rate_kbit": args.rate_kbit,
        "burst_bytes": args.burst_bytes,
        "queue_ms": args.queue_ms,
        "exempt_handshake": not args.no_exempt_handshake,
    }
    for dname, loss in (("up", args.loss_up), ("down", args.loss_down)):
        relay.dirs[dname].configure(dict(common, loss=args.loss if loss is None else loss))

    done = loop.create_future()

    def finish(*_):
        if not done.done():
            done.set_result(None)

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, finish)
    loop.add_signal_handler(signal.SIGUSR1, lambda: emit({"stats": relay.stats()}))

    buf = bytearray()

    def on_stdin():
        try:
            chunk = sys.stdin.buffer.raw.read(65536)
        except (BlockingIOError, InterruptedError):
            return
        if not chunk:
            loop.remove_reader(sys.stdin.fileno())
            if not args.keep_running:
                finish()  # the test that started us is gone
            return
        buf.extend(chunk)
        while b"\n" in buf:
            line, _, rest = bytes(buf).partition(b"\n")
            buf[:] = rest
            if not line.strip():
                continue
            req = {}
            try:
                req = json.loads(line)
                if req.get("cmd") == "quit":
                    finish()
                    continue
                out = relay.command(req)
            except (ValueError, TypeError, AttributeError) as e:
                out = {"error": str(e)}
            if isinstance(req, dict) and "id" in req:
                out["id"] = req["id"]
            emit(out)

    if not sys.stdin.isatty():
        os.set_blocking(sys.stdin.fileno(), False)
        loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.call_later(1.0, relay.expire)
    emit({"ready": {"listen": "%s:%d" % relay.sock.getsockname(), "upstream": args.upstream,
                    "config": relay.config()}})
    loop.run_until_complete(done)
    emit({"final": relay.stats()})


if __name__ == "__main__":
    main()
