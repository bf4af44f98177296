"""test_smoke.py - starts the real switchboard binary on a free port and checks
over real sockets: / serves the page, /healthz and /readyz answer, /ws accepts
a WebSocket upgrade and answers ping, --help/--version work, --check-config
accepts the sample and rejects broken files naming the line, SIGTERM and
SIGINT exit 0."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from sbtest import BINARY, SRCDIR, WS, Server, Tap, http_get  # noqa: E402

t = Tap()

r = subprocess.run([BINARY, "--help"], capture_output=True, text=True)
t.ok(r.returncode == 0 and "--config" in r.stdout and "--check-config" in r.stdout,
     "--help lists the options", r.stdout + r.stderr)
r = subprocess.run([BINARY, "--version"], capture_output=True, text=True)
t.ok(r.returncode == 0 and r.stdout.startswith("switchboard "), "--version prints the version", r.stdout)
r = subprocess.run([BINARY, "--no-such-flag"], capture_output=True, text=True)
t.ok(r.returncode == 2 and "no-such-flag" in r.stderr, "an unknown flag is refused", r.stderr)

sample = os.path.join(SRCDIR, "switchboard.conf")
r = subprocess.run([BINARY, "--check-config", sample], capture_output=True, text=True)
t.ok(r.returncode == 0, "the committed sample configuration is valid", r.stdout + r.stderr)


def check_bad(text, line, what):
    with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
        f.write(text)
    r = subprocess.run([BINARY, "--check-config", f.name], capture_output=True, text=True)
    os.unlink(f.name)
    t.ok(r.returncode == 1 and f".conf:{line}:" in r.stderr, f"--check-config rejects {what} at line {line}",
         r.stderr)


check_bad("[server]\nhttp_port = 8080\n\nworkers = lots\n", 4, "a non-integer")
check_bad("[server]\nlog_level = info\nthis line is junk\n", 3, "a line that is not key = value")
check_bad("# comment\n[media]\nport_min = 20000\nport_maxx = 30000\n", 4, "an unknown key")
check_bad("[server]\nhttp_port = 8080\n[sevrer]\nworkers = 1\n", 3, "an unknown group")
check_bad("[server]\nhttp_port = 70000\n", 2, "an out-of-range port")

srv = Server("-l", "debug")
status, body = http_get(srv.url + "/")
t.ok(status == 200 and "<html" in body.lower() and "switchboard" in body.lower(), "/ serves the web page",
     f"{status} {body[:200]}")
status, body = http_get(srv.url + "/js/switchboard.js")
t.ok(status == 200 and "export" in body, "/js/switchboard.js serves the client module", f"{status}")
status, body = http_get(srv.url + "/healthz")
t.ok(status == 200 and body.strip() == "ok", "/healthz answers ok", f"{status} {body}")
status, body = http_get(srv.url + "/readyz")
t.ok(status == 200, "/readyz answers ready", f"{status} {body}")
status, body = http_get(srv.url + "/no/such/file")
t.ok(status == 404, "a missing file is 404", f"{status}")

ws = WS(srv.port)
t.ok(ws.status == 101, "/ws accepts a WebSocket upgrade")
ws.send({"type": "ping", "id": 42})
m = ws.recv()
t.ok(m == {"type": "pong", "id": 42}, "ping gets pong with the same id", m)
try:
    WS(srv.port, path="/elsewhere")
    refused = False
except ConnectionError:
    refused = True
t.ok(refused, "a WebSocket upgrade on another path is refused")
ws.close()

rc = srv.stop(signal.SIGTERM)
t.ok(rc == 0, "SIGTERM stops the server with exit status 0", f"rc={rc}\n{srv.stderr()[-2000:]}")
t.ok("ERROR" not in srv.stderr() and "runtime error" not in srv.stderr(), "no errors or sanitizer reports in the log",
     srv.stderr()[-3000:])

srv = Server()
rc = srv.stop(signal.SIGINT)
t.ok(rc == 0, "SIGINT stops the server with exit status 0", f"rc={rc}\n{srv.stderr()[-2000:]}")

r = subprocess.run([BINARY, "-p", "0", "--media-address", "not-an-ip"], capture_output=True, text=True)
t.ok(r.returncode == 1 and "media.address" in r.stderr, "a bad --media-address is refused clearly", r.stderr)
t.done()
