"""test_signaling.py - the v1 signaling protocol over a real WebSocket:
join/joined/peer-joined/peer-left, room-full, rejoin, relay forwarding with
"from", and every kind of bad message getting its documented error code
while the connection and the room stay as they were."""
import os
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import time  # noqa: E402

from sbtest import WS, Server, Tap, http_get  # noqa: E402

t = Tap()
srv = Server()


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
pl = a.recv_type("peer-left")
t.ok(pl and pl["reason"] == "disconnected", "a closed socket gives peer-left disconnected", pl)
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
t.done()
