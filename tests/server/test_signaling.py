"""test_signaling.py - the v1 signaling protocol over a real WebSocket:
join/joined/peer-joined/peer-left, room-full, rejoin, relay forwarding with
"from", every kind of bad message getting its documented error code while
the connection and the room stay as they were, and seats held for a resume
(resume_token in joined, taking the seat back within the grace period with
the same peer_id, peer-resumed, taking over a seat still connected, refusals
after the grace period or with a wrong, used, revoked or other room's token,
the seat freed after the grace period, no tokens with resume_grace_ms = 0)."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import time  # noqa: E402

from sbtest import BINARY, WS, Server, Tap, http_get  # noqa: E402

t = Tap()
GRACE_MS = 1500  # short, so that the grace period can be waited out


def config_file(grace_ms):
    f = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    f.write(f"[signaling]\nresume_grace_ms = {grace_ms}\n")
    f.close()
    return f.name


conf = config_file(GRACE_MS)
srv = Server("-c", conf)


def expect_error(ws, msg_or_text, code, what):
    if isinstance(msg_or_text, (dict, list)):
        ws.send(msg_or_text)
    else:
        ws.send_text(msg_or_text)
    m = ws.recv()
    t.ok(m is not None and m.get("type") == "error" and m.get("code") == code,
         f"{what} -> error {code}", m)


a = WS(srv.port)
expect_error(a, "{not json", "bad-json", "malformed JSON")
expect_error(a, "[1,2,3]", "bad-message", "a JSON array")
expect_error(a, {"type": 7}, "bad-message", "a numeric type")
expect_error(a, {"no": "type"}, "bad-message", "no type")
expect_error(a, {"type": "launch-rockets"}, "unknown-type", "an unknown type")
expect_error(a, {"type": "offer", "sdp": "v=0"}, "not-joined", "an offer before join")
expect_error(a, {"type": "leave"}, "not-joined", "leave before join")
expect_error(a, {"type": "join"}, "bad-message", "join without room")
expect_error(a, {"type": "join", "room": 5}, "bad-message", "join with a numeric room")
expect_error(a, {"type": "join", "room": "no spaces allowed"}, "bad-room", "an invalid room name")
expect_error(a, {"type": "join", "room": "x" * 65}, "bad-room", "a room name over 64 characters")
expect_error(a, {"type": "join", "room": "r1", "plugin": "nope"}, "unknown-plugin", "an unknown plugin")
expect_error(a, "x" * 70000, "too-big", "a message over the size limit")
a.send({"type": "ping", "id": "still-alive"})
t.ok(a.recv() == {"type": "pong", "id": "still-alive"}, "the connection survives bad input")

# Join, peers, room-full, leave, rejoin (duo rooms, signaling level).
a.send({"type": "join", "room": "alpha", "name": "Ann"})
ja = a.recv_type("joined")
t.ok(ja and ja["room"] == "alpha" and ja["plugin"] == "duo" and ja["peers"] == [] and ja["polite"] is True,
     "first participant gets joined with no peers", ja)
expect_error(a, {"type": "join", "room": "beta"}, "already-joined", "a second join")
b = WS(srv.port)
b.send({"type": "join", "room": "alpha", "name": "Bob"})
jb = b.recv_type("joined")
t.ok(jb and [p["peer_id"] for p in jb["peers"]] == [ja["peer_id"]] and jb["peers"][0]["name"] == "Ann",
     "second participant sees the first in peers", jb)
pj = a.recv_type("peer-joined")
t.ok(pj and pj["peer_id"] == jb["peer_id"] and pj["name"] == "Bob", "first participant gets peer-joined", pj)
c = WS(srv.port)
expect_error(c, {"type": "join", "room": "alpha"}, "room-full", "a third participant in a duo room")
expect_error(c, {"type": "join", "room": "alpha", "plugin": "relay"}, "plugin-mismatch",
             "joining a duo room as relay")
b.send({"type": "leave"})
pl = a.recv_type("peer-left")
t.ok(pl and pl["peer_id"] == jb["peer_id"] and pl["reason"] == "left", "leave gives peer-left", pl)
b.send({"type": "join", "room": "alpha", "name": "Bob"})
jb2 = b.recv_type("joined")
t.ok(jb2 and jb2["peer_id"] != jb["peer_id"] and len(jb2["peers"]) == 1, "rejoining works", jb2)
t.ok(a.recv_type("peer-joined") is not None, "the rejoin is announced")
b.close()
t0 = time.time()
pl = a.recv_type("peer-left", timeout=GRACE_MS / 1000 + 5)
waited = time.time() - t0
t.ok(pl and pl["reason"] == "disconnected" and pl["peer_id"] == jb2["peer_id"],
     "a closed socket gives peer-left disconnected", pl)
t.ok(waited >= GRACE_MS / 1000 - 0.3, f"... once the seat's grace period is over ({waited:.2f} s)")
c.close()

# Relay rooms: signaling passes through with "from".
r1, r2 = WS(srv.port), WS(srv.port)
r1.send({"type": "join", "room": "relay-1", "plugin": "relay"})
j1 = r1.recv_type("joined")
t.ok(j1 and j1["plugin"] == "relay" and j1["polite"] is False, "first relay participant is impolite", j1)
r1.send({"type": "offer", "sdp": "v=0 early"})
m = r1.recv()
t.ok(m and m.get("type") == "error" and m.get("code") == "wrong-state", "an offer with nobody there -> wrong-state", m)
r2.send({"type": "join", "room": "relay-1"})
j2 = r2.recv_type("joined")
t.ok(j2 and j2["plugin"] == "relay" and j2["polite"] is True, "a join without plugin takes the room's plugin", j2)
r1.send({"type": "offer", "sdp": "v=0 hello"})
m = r2.recv_type("offer")
t.ok(m and m["sdp"] == "v=0 hello" and m["from"] == j1["peer_id"], "an offer reaches the other peer with from", m)
r2.send({"type": "candidate", "candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host",
                                              "sdpMid": "0"}, "to": j1["peer_id"]})
m = r1.recv_type("candidate")
t.ok(m and m["candidate"]["sdpMid"] == "0" and m["from"] == j2["peer_id"] and "to" not in m,
     "a candidate addressed with to arrives", m)
r2.send({"type": "answer", "sdp": "v=0 answer", "to": "p-nobody"})
m = r2.recv()
t.ok(m and m.get("code") == "wrong-state", "an answer to an unknown peer -> wrong-state", m)
r2.send({"type": "offer"})
m = r2.recv()
t.ok(m and m.get("code") == "bad-message", "an offer without sdp -> bad-message", m)
r1.send({"type": "ping", "id": 1})
t.ok(r1.recv_type("pong") is not None, "the other relay participant is unaffected")
# The impolite one leaves; a newcomer must be impolite opposite the polite one left.
r1.send({"type": "leave"})
r3 = WS(srv.port)
r3.send({"type": "join", "room": "relay-1"})
j3 = r3.recv_type("joined")
t.ok(j3 and j3["polite"] is False, "a relay newcomer takes the role opposite the remaining peer", j3)
r3.close()

# ---- Seats held for a resume ----
x, y = WS(srv.port), WS(srv.port)
x.send({"type": "join", "room": "seat", "name": "Xena"})
jx = x.recv_type("joined")
tok = jx and jx.get("resume_token")
t.ok(isinstance(tok, str) and 20 <= len(tok) <= 128, "joined carries a resume_token", jx)
y.send({"type": "join", "room": "seat", "name": "Yves"})
jy = y.recv_type("joined")
t.ok(jy and isinstance(jy.get("resume_token"), str) and jy["resume_token"] != tok,
     "every participant gets its own token", jy)
t.ok(y.recv(timeout=0.2) is None and x.recv_type("peer-joined") is not None, "peer-joined as usual")

# x's socket closes without leave: nothing is said, and the seat stays taken.
x.close()
t.ok(y.recv(timeout=0.5) is None, "the other participant is told nothing while the seat is held")
z = WS(srv.port)
expect_error(z, {"type": "join", "room": "seat"}, "room-full", "a third party cannot take a held seat")
expect_error(z, {"type": "join", "room": "seat", "resume_token": "not-the-token"}, "resume-failed",
             "a join with a wrong resume_token")
expect_error(z, {"type": "join", "room": "other-room", "resume_token": tok}, "resume-failed",
             "a resume_token of another room")
expect_error(z, {"type": "join", "room": "seat", "resume_token": 42}, "bad-message",
             "a resume_token that is not a string")
expect_error(z, {"type": "join", "room": "seat", "plugin": "relay", "resume_token": tok},
             "plugin-mismatch", "a resume with another plugin")
z.send({"type": "join", "room": "seat", "resume_token": "x"})
m = z.recv()
t.ok(m and m.get("ref") == "join" and m.get("code") == "resume-failed", "resume-failed has ref join", m)

# Within the grace period the token takes the seat back: same peer_id.
x2 = WS(srv.port)
x2.send({"type": "join", "room": "seat", "name": "ignored", "resume_token": tok})
jx2 = x2.recv_type("joined")
t.ok(jx2 and jx2["peer_id"] == jx["peer_id"] and jx2["room"] == "seat" and jx2["plugin"] == "duo"
     and [p["peer_id"] for p in jx2["peers"]] == [jy["peer_id"]] and jx2["polite"] is True,
     "a join with the token within the grace period takes the seat back, same peer_id", jx2)
tok2 = jx2 and jx2.get("resume_token")
t.ok(isinstance(tok2, str) and tok2 != tok, "the resumed joined carries a new token", jx2)
pr = y.recv()
t.ok(pr == {"type": "peer-resumed", "peer_id": jx["peer_id"], "name": "Xena"},
     "the other participant gets peer-resumed (the seat keeps its name)", pr)
expect_error(z, {"type": "join", "room": "seat", "resume_token": tok}, "resume-failed",
             "a token that was used already")
expect_error(x2, {"type": "join", "room": "seat", "resume_token": tok2}, "already-joined",
             "resuming from a connection that is in a room")

# A token whose seat is still connected takes it over: the old socket gets bye.
x3 = WS(srv.port)
x3.send({"type": "join", "room": "seat", "resume_token": tok2})
jx3 = x3.recv_type("joined")
t.ok(jx3 and jx3["peer_id"] == jx["peer_id"], "a token of a connected seat takes the seat over", jx3)
bye = x2.recv()
t.ok(bye == {"type": "bye", "reason": "replaced"} and x2.recv(timeout=2) is None,
     "the connection that had the seat gets bye replaced and is closed", bye)
pr = y.recv_type("peer-resumed")
t.ok(pr and pr["peer_id"] == jx["peer_id"], "the other participant gets peer-resumed again", pr)
t.ok(y.recv(timeout=0.5) is None, "and no peer-left for the replaced connection")

# After the grace period the seat is freed as before: peer-left, token dead.
tok3 = jx3["resume_token"]
x3.close()
t.ok(y.recv(timeout=GRACE_MS / 1000 - 0.5) is None, "nothing during the grace period")
pl = y.recv_type("peer-left", timeout=5)
t.ok(pl and pl["peer_id"] == jx["peer_id"] and pl["reason"] == "disconnected",
     "after the grace period: peer-left disconnected", pl)
expect_error(z, {"type": "join", "room": "seat", "resume_token": tok3}, "resume-failed",
             "a resume after the grace period")
z.send({"type": "join", "room": "seat", "name": "Zed"})
jz = z.recv_type("joined")
t.ok(jz and jz["peer_id"] != jx["peer_id"], "the freed seat can be taken by someone else", jz)
t.ok(y.recv_type("peer-joined") is not None, "... and is announced as a newcomer")

# leave gives the seat up at once: the token is revoked.
ytok = jy["resume_token"]
y.send({"type": "leave"})
t.ok(z.recv_type("peer-left")["reason"] == "left", "leave: peer-left left at once")
y2 = WS(srv.port)
expect_error(y2, {"type": "join", "room": "seat", "resume_token": ytok}, "resume-failed",
             "the token of a participant who left")
y.close()
y2.close()
z.close()

# Relay rooms: the resumed participant keeps its role, messages reach it.
q1, q2 = WS(srv.port), WS(srv.port)
q1.send({"type": "join", "room": "relay-seat", "plugin": "relay"})
jq1 = q1.recv_type("joined")
q2.send({"type": "join", "room": "relay-seat"})
jq2 = q2.recv_type("joined")
q1.recv_type("peer-joined")
q2.close()
time.sleep(0.3)
q1.send({"type": "offer", "sdp": "v=0 to nobody", "to": jq2["peer_id"]})
m = q1.recv()
t.ok(m and m.get("code") == "wrong-state", "relay: a message to a held seat -> wrong-state", m)
q2b = WS(srv.port)
q2b.send({"type": "join", "room": "relay-seat", "resume_token": jq2["resume_token"]})
jq2b = q2b.recv_type("joined")
t.ok(jq2b and jq2b["peer_id"] == jq2["peer_id"] and jq2b["polite"] == jq2["polite"] is True
     and [p["peer_id"] for p in jq2b["peers"]] == [jq1["peer_id"]],
     "a relay participant resumes with its peer_id and its role", jq2b)
t.ok(q1.recv_type("peer-resumed") is not None, "its relay partner gets peer-resumed")
q1.send({"type": "offer", "sdp": "v=0 again", "to": jq2["peer_id"]})
m = q2b.recv_type("offer")
t.ok(m and m["sdp"] == "v=0 again" and m["from"] == jq1["peer_id"], "relayed messages reach the resumed seat", m)
q1.close()
q2b.close()

# A flood of messages is cut off with rate-limited, and the connection lives on.
f = WS(srv.port)
for i in range(400):
    f.send({"type": "ping", "id": i})
codes = []
for i in range(400):
    m = f.recv(timeout=5)
    if m is None:
        break
    codes.append(m.get("code") or m.get("type"))
t.ok("rate-limited" in codes and codes.count("pong") >= 150, "a flood gets rate-limited errors",
     f"{codes.count('pong')} pongs, {codes.count('rate-limited')} rate-limited")
f.close()
r1.close()
r2.close()
a.close()

# Draining: SIGTERM with a room still running keeps serving it, refuses new
# rooms, answers /readyz 503, and stops once the room empties.
d1 = WS(srv.port)
d1.send({"type": "join", "room": "drain-me"})
t.ok(d1.recv_type("joined") is not None, "a room runs before the drain")
srv.proc.send_signal(signal.SIGTERM)
status = None
for _ in range(50):
    status, body = http_get(srv.url + "/readyz")
    if status == 503:
        break
    time.sleep(0.1)
t.ok(status == 503 and "draining" in body, "/readyz answers 503 while draining", f"{status} {body}")
t.ok(http_get(srv.url + "/healthz")[0] == 200, "/healthz still answers while draining")
d2 = WS(srv.port)
d2.send({"type": "join", "room": "brand-new"})
m = d2.recv()
t.ok(m and m.get("code") == "draining", "a join that would create a room -> draining", m)
d2.send({"type": "join", "room": "drain-me"})
t.ok(d2.recv_type("joined") is not None, "joining the running room still works")
t.ok(srv.proc.poll() is None, "the server keeps running while a room is open")
d1.send({"type": "leave"})
d2.close()
try:
    rc = srv.proc.wait(10)
except Exception:
    rc = None
t.ok(rc == 0, "the server stops with exit status 0 once the last room empties", f"rc={rc}")

rc = srv.stop(signal.SIGTERM)
t.ok(rc == 0, "server exits 0 after the session", srv.stderr()[-2000:])
log = srv.stderr()
t.ok("runtime error" not in log and "AddressSanitizer" not in log and "LeakSanitizer" not in log,
     "no sanitizer reports", log[-3000:])
tokens = [tok, tok2, tok3, ytok, jq2["resume_token"], jq2b["resume_token"]]
t.ok(not any(k in log for k in tokens) and "seat held for" in log, "resume tokens are never logged")

# resume_grace_ms = 0: no tokens, a closed socket frees the seat at once.
conf0 = config_file(0)
srv0 = Server("-c", conf0)
a, b = WS(srv0.port), WS(srv0.port)
a.send({"type": "join", "room": "now"})
ja = a.recv_type("joined")
t.ok(ja and "resume_token" not in ja, "resume_grace_ms = 0: joined carries no resume_token", ja)
b.send({"type": "join", "room": "now"})
b.recv_type("joined")
a.recv_type("peer-joined")
b.close()
t0 = time.time()
pl = a.recv_type("peer-left", timeout=3)
t.ok(pl and pl["reason"] == "disconnected" and time.time() - t0 < 1, "... and peer-left comes at once", pl)
a.close()
t.ok(srv0.stop(signal.SIGINT) == 0, "that server exits 0 too")

# The default grace period is 10 s, and the key is validated.
out = subprocess.run([BINARY, "--print-config"], capture_output=True, text=True).stdout
t.ok("resume_grace_ms = 10000" in out, "resume_grace_ms defaults to 10000 (--print-config)", out[-800:])
bad = config_file(-1)
r = subprocess.run([BINARY, "--check-config", bad], capture_output=True, text=True)
t.ok(r.returncode != 0 and "resume_grace_ms" in r.stderr, "a negative resume_grace_ms is refused", r.stderr)
for f in (conf, conf0, bad):
    os.unlink(f)
t.done()
