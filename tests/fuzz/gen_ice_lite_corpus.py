#!/usr/bin/env python3
"""gen_ice_lite_corpus.py - writes the named seed inputs of the ICE-lite
fuzz target (tests/fuzz/fuzz_ice_lite.c; its top comment has the record
format) into the folder given as argument:

    python3 tests/fuzz/gen_ice_lite_corpus.py tests/fuzz/corpus/ice_lite

Each seed is one scenario: a good check, nomination, refused checks (wrong
password, no integrity or USERNAME, wrong ufrags, unknown attribute), checks
before the remote ufrag is known, eviction from the 4-address table, ICE
restart, raw datagrams. The files named by hash in that folder were found by
libFuzzer (merged with -merge=1 -use_counters=0) and are not written here."""
import os
import struct
import sys

# kind bits
BUILD, REMOTE = 0x01, 0x02
UFRAG = {"brws": 0, "b+/t": 1, "brwsX": 2, "bad": 3}
# opts bits for built requests
USER = {"ok": 0, "wrong_local": 1, "wrong_remote": 2, "none": 3, "long_remote": 4,
        "no_colon": 5, "payload": 6}
INTEG = {"ok": 0, "wrong": 1, "none": 2}
UC, UNKNOWN, FP = 0x20, 0x40, 0x80


def rec(kind, addr, opts, payload=b""):
    return struct.pack(">BBBH", kind, addr, opts, len(payload)) + payload


def check(addr, user="ok", integ="ok", uc=False, unknown=False, fp=True, ms=1,
          remote=None, txid=None, extra=b""):
    kind = BUILD | (min(ms, 15) << 4)
    if remote is not None:
        kind |= REMOTE | (UFRAG[remote] << 2)
    opts = USER[user] | (INTEG[integ] << 3) | (UC if uc else 0) | \
        (UNKNOWN if unknown else 0) | (FP if fp else 0)
    if txid is None:
        txid = bytes([addr * 16 + ms]) * 12
    return rec(kind, addr, opts, txid + extra)


def set_remote(ufrag, ms=1):
    # a raw record with an empty payload does nothing but the set_remote
    return rec(REMOTE | (UFRAG[ufrag] << 2) | (ms << 4), 0, 0)


def raw(addr, data, sign=False, wrong_key=False, fp=False, ms=1):
    opts = (1 if sign else 0) | (2 if wrong_key else 0) | (4 if fp else 0)
    return rec(ms << 4, addr, opts, data)


def stun_header(mtype, body=b"", txid=b"T" * 12):
    return struct.pack(">HHI", mtype, len(body), 0x2112A442) + txid + body


def attr(t, v):
    return struct.pack(">HH", t, len(v)) + v + b"\0" * (-len(v) % 4)


seeds = {
    "good_check": set_remote("brws") + check(0),
    "good_check_no_fingerprint": set_remote("brws") + check(0, fp=False),
    "nominate": set_remote("brws") + check(0) + check(4, uc=True) + check(0) + check(2, uc=True),
    "wrong_password": set_remote("brws") + check(0, integ="wrong") + check(1),
    "bad_requests": set_remote("brws") + check(0, integ="none") + check(0, user="none")
    + check(0, user="wrong_local") + check(0, user="wrong_remote")
    + check(0, user="long_remote") + check(0, user="no_colon") + check(0, unknown=True),
    "before_remote_known": check(0, user="wrong_remote") + check(1, user="long_remote")
    + set_remote("brws") + check(0, user="wrong_remote") + check(0),
    "eviction": set_remote("brws") + b"".join(check(a, ms=a + 1) for a in range(7)),
    "eviction_keeps_selected": set_remote("brws") + check(0, uc=True)
    + b"".join(check(a, ms=2) for a in range(1, 7)) + check(0) + check(5, uc=True)
    + b"".join(check(a, ms=0) for a in range(7)),
    "restart": set_remote("brws") + check(0) + check(3, uc=True) + set_remote("brws")
    + check(1) + set_remote("b+/t") + check(2) + check(2, uc=True) + set_remote("brwsX")
    + check(4) + set_remote("bad") + check(5),
    "same_ip_other_port": set_remote("brws") + check(0) + check(7) + check(1) + check(6)
    + check(5) + check(4, uc=True),
    "payload_username": set_remote("brws")
    + check(0, user="payload", txid=b"u" * 12, extra=b"srvU:brws")
    + check(1, user="payload", txid=b"v" * 12, extra=b"srvU:b+/t")
    + check(2, user="payload", txid=b"w" * 12, extra=b"srvU"),
    "raw_messages": set_remote("brws")
    + raw(0, stun_header(0x0011))  # Binding indication: ignored
    + raw(1, stun_header(0x0101))  # a success response: ignored
    + raw(2, stun_header(0x0001))  # a bare request: 400
    + raw(3, b"\x16\xfe\xfd" + b"\0" * 40)  # DTLS: does not parse
    + raw(0, stun_header(0x0001, attr(6, b"srvU:brws")), sign=True, fp=True)
    + raw(4, stun_header(0x0001, attr(6, b"srvU:brws") + attr(0x25, b"")), sign=True)
    + raw(5, stun_header(0x0001, attr(6, b"srvU:brws")), sign=True, wrong_key=True, fp=True),
}

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
