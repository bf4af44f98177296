"""sbtest.py - helpers for Switchboard's server tests (Python standard library
only, run with /usr/bin/python3): start the real binary on a free port, a
small blocking WebSocket client, HTTP GET, and TAP output."""
import base64
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request

BUILDDIR = os.environ.get("SB_BUILDDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "../../build/test"))
SRCDIR = os.environ.get("SB_SRCDIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
BINARY = os.path.join(BUILDDIR, "switchboard")


class Tap:
    """Minimal TAP producer: plan at the end, one line per check."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        if not cond:
            self.failed += 1
            print(f"not ok {self.n} - {what}")
            for line in str(detail).splitlines():
                print(f"# {line}")
        else:
            print(f"ok {self.n} - {what}")
        sys.stdout.flush()
        return cond

    def done(self):
        print(f"1..{self.n}")
        sys.exit(1 if self.failed else 0)


class Server:
    """The real switchboard binary on a free port; stderr kept for checks."""

    def __init__(self, *args, env=None):
        e = dict(os.environ)
        e.update(env or {})
        self.log_path = f"/tmp/sbtest-{os.getpid()}-{time.time_ns()}.log"
        self.log = open(self.log_path, "w+")
        self.proc = subprocess.Popen([BINARY, "-p", "0", "-a", "127.0.0.1", *args],
                                     stdout=subprocess.PIPE, stderr=self.log, text=True, env=e)
        line = self.proc.stdout.readline()
        m = re.search(r"http://[^:]+:(\d+)/", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"server did not start: {line!r}\n{self.stderr()}")
        self.port = int(m.group(1))
        self.url = f"http://127.0.0.1:{self.port}"

    def stderr(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.log.close()
        return rc


def http_get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


class WS:
    """Blocking WebSocket client (RFC 6455, text frames, client masking)."""

    def __init__(self, port, path="/ws", timeout=5):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.s.recv(1)
            if not chunk:
                raise ConnectionError("closed during handshake")
            head += chunk
        self.status = int(head.split(b" ")[1])
        if self.status != 101:
            raise ConnectionError(f"upgrade refused: {head!r}")
        self.buf = b""

    def send_frame(self, opcode, payload, fin=True):
        mask = os.urandom(4)
        n = len(payload)
        hdr = bytes([(0x80 if fin else 0) | opcode])
        if n < 126:
            hdr += bytes([0x80 | n])
        elif n < 65536:
            hdr += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            hdr += bytes([0x80 | 127]) + struct.pack("!Q", n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.s.sendall(hdr + mask + masked)

    def send_text(self, text):
        self.send_frame(1, text.encode() if isinstance(text, str) else text)

    def send(self, obj):
        self.send_text(json.dumps(obj))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def recv(self, timeout=5):
        """Next JSON message (skips pings); None on timeout or close."""
        self.s.settimeout(timeout)
        try:
            while True:
                op, data = self.recv_frame()
                if op == 1:
                    return json.loads(data)
                if op == 8:
                    return None
        except (socket.timeout, ConnectionError, OSError):
            return None

    def recv_type(self, typ, timeout=5):
        """Next message of a given type, skipping others."""
        end = time.time() + timeout
        while time.time() < end:
            m = self.recv(max(0.05, end - time.time()))
            if m is None:
                return None
            if m.get("type") == typ:
                return m
        return None

    def close(self):
        try:
            self.send_frame(8, b"\x03\xe8")
        except OSError:
            pass
        self.s.close()
