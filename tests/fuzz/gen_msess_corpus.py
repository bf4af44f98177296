#!/usr/bin/env python3
"""gen_msess_corpus.py - writes the seed inputs of the media session fuzz
target (tests/fuzz/fuzz_msess.c) into the folder given as argument:

    python3 tests/fuzz/gen_msess_corpus.py tests/fuzz/corpus/msess

The input format is fuzz_msess.c's: a config byte (bit 0: the SSRCs are
announced; the rest picks the starting clock), then operations
[op][time][operands...] with the clock advancing by time * time * 16 us:
raw RTP / RTCP (0, 1: a length byte then the bytes), structured RTP (2:
selector, sequence step, OSN back-off / tcc step, payload size), structured
RTCP (3: kind and four operands), time only (4) and control (5: two bytes).

Seeds: loss recovered by RTX after a NACK, a padding probe, a 4352-seq NACK
storm against a full history, an SR/RR exchange giving an RTT, SSRCs
learned from the mid extension, raw RTP and a raw compound RTCP packet,
renegotiation and stream removal mid-stream, a TWCC burst with gaps, and a
FIR/PLI/REMB flood."""
import os
import struct
import sys

# structured RTP selector bits (fuzz_msess.c rtp_structured)
MEDIA, RTX, OTHER, ZERO = 0, 1, 2, 3
PT96, PT97, PT111, PT98 = 0 << 2, 1 << 2, 2 << 2, 3 << 2
MID, TCC, PAD, MARK = 0x10, 0x20, 0x40, 0x80


def rtp(sel, step=0, back=0, plen=20, dt=30):
    """Structured RTP: step is the sequence step - 1 (signed byte), back the
    OSN's distance behind the newest media seq (RTX) and the tcc step."""
    return bytes([2, dt, sel, step & 0xFF, back & 0xFF, plen & 0xFF])


def rtcp(kind, a=0, b=0, c=0, d=0, dt=10):
    return bytes([3, dt, kind, a & 0xFF, b & 0xFF, c & 0xFF, d & 0xFF])


def wait(dt):
    return bytes([4, dt])


def ctl(a, b=0, dt=5):
    return bytes([5, dt, a, b])


def raw_rtp(pkt, dt=20):
    assert len(pkt) < 256
    return bytes([0, dt, len(pkt)]) + pkt


def raw_rtcp(pkt, dt=20):
    assert len(pkt) < 256
    return bytes([1, dt, len(pkt)]) + pkt


def rtp_packet(pt, seq, ts, ssrc, payload, ext=b""):
    b0 = 0x80 | (0x10 if ext else 0)
    out = struct.pack(">BBHII", b0, pt, seq, ts, ssrc)
    if ext:
        out += struct.pack(">HH", 0xBEDE, len(ext) // 4) + ext
    return out + payload


def rtcp_hdr(count, pt, body):
    return struct.pack(">BBH", 0x80 | count, pt, len(body) // 4) + body


SENDER = 0x77777777
TX = 0x33333333
MEDIA_SSRC = 0x11111111

media = MID | TCC | MEDIA | PT96
rtx = MID | TCC | RTX | PT97

SEEDS = {}

# Three packets, one lost, the NACK goes out, RTX brings it back.
SEEDS["loss-rtx-recovery"] = (
    bytes([1])
    + rtp(media) * 3
    + rtp(media, step=1)
    + wait(60)
    + rtp(rtx, back=1)
    + rtp(rtx, back=1)  # the same again: a duplicate
    + wait(255)
)

# A padding-only probe on the RTX SSRC (payload 0, 201 bytes of padding).
SEEDS["padding-probe"] = bytes([1]) + rtp(media) * 2 + rtp(RTX | PT97 | PAD | TCC, plen=0x80)

# 500 packets of 150 bytes into the history, then a NACK asking for 4352
# seqs (more than the rate limit lets go), twice; a few smaller ones.
SEEDS["nack-storm"] = (
    bytes([1])
    + rtp(media, plen=127, dt=3) * 500
    + rtcp(0, 0xFF)
    + rtcp(0, 0xFF, dt=30)
    + rtcp(0, 3, 5, 0xFF, 0xFF)
)

# The publisher's SR, our SR a second later, the receiver's RR echoing it.
SEEDS["sr-rr-rtt"] = (
    bytes([1])
    + rtp(media) * 5
    + rtcp(5, 1, 0x40, 10, 0)
    + wait(255)
    + wait(30)
    + rtcp(1, 3, 0, 0, 0x20)
    + rtcp(1, 200, 2, 1, 0x7F)
    + wait(255)
)

# Nothing announced: the mid extension names the section for media and RTX.
SEEDS["learn-by-mid"] = (
    bytes([0])
    + rtp(MID | OTHER | PT96)
    + rtp(MID | OTHER | PT96)
    + rtp(MID | RTX | PT97, back=0)
    + rtp(OTHER | PT96, step=2)
    + rtp(ZERO | PT96)
    + wait(200)
)

# Raw packets: VP8 with mid + transport-cc, and a compound RTCP packet with
# an RR, a NACK, a PLI, a FIR and a REMB for our stream and an unknown one.
ext = bytes([0x10, ord("0"), 0x31, 0x00, 0x07, 0, 0, 0])
rr = rtcp_hdr(1, 201, struct.pack(">I", SENDER) + struct.pack(">IIIIII", TX, 0x05000003, 1010, 7, 0, 0))
nack = rtcp_hdr(1, 205, struct.pack(">IIHH", SENDER, TX, 1000, 0x0005))
pli = rtcp_hdr(1, 206, struct.pack(">II", SENDER, TX))
fir = rtcp_hdr(4, 206, struct.pack(">IIIBBBB", SENDER, 0, TX, 9, 0, 0, 0))
remb = rtcp_hdr(15, 206, struct.pack(">II", SENDER, 0) + b"REMB" + struct.pack(">BBH", 2, 0x07, 0xA120) + struct.pack(">II", TX, 0xDEAD))
SEEDS["raw-rtp-rtcp"] = (
    bytes([1])
    + raw_rtp(rtp_packet(96, 100, 9000, MEDIA_SSRC, bytes(range(30)), ext))
    + raw_rtp(rtp_packet(96, 102, 12000, MEDIA_SSRC, bytes(range(30)), ext))
    + raw_rtcp(rr + nack + pli + fir + remb)
    + wait(255)
)

# Renegotiation while packets flow: no NACK, another payload type, a new
# SSRC, transport-cc off and on, the streams removed and added back.
SEEDS["renegotiate"] = (
    bytes([3])
    + rtp(media) * 4
    + rtp(media, step=3)
    + ctl(2, 1)
    + rtp(media)
    + ctl(2, 2)
    + rtp(media)
    + rtp(MID | MEDIA | PT98)
    + ctl(2, 3)
    + rtp(media)
    + ctl(0)
    + wait(100)
    + ctl(2, 0)
    + ctl(4, 2)
    + rtp(media)
    + ctl(5, 0)
    + rtp(media)
    + ctl(5, 1)
    + ctl(3, 1)
    + rtcp(0, 1, 0, 1)
    + ctl(3, 2)
    + rtcp(0, 1, 0, 1)
    + ctl(6)
    + rtp(media)
    + ctl(6)
    + ctl(7)
    + rtcp(2, 1)
    + ctl(7)
    + ctl(0)
    + ctl(1 | (10 << 3), 30)
    + wait(255)
    + ctl(1, 0)
    + wait(255)
    + ctl(5, 0x81)
    + rtp(media, plen=100, dt=40) * 60
    + rtp(media, step=5, plen=100, dt=40) * 60
    + wait(255)
    + wait(255)
    + ctl(5, 0x80)
    + wait(255)
)

# Transport-cc: a burst with gaps in the transport-wide numbers, reordering.
SEEDS["twcc-burst"] = (
    bytes([5])
    + b"".join(rtp(media, back=(0x40 if i % 7 == 0 else 0), dt=(i * 13) % 40) for i in range(120))
    + rtp(media, step=-3)
    + wait(250)
)

# Keyframe requests and estimates from the receiver, many at once.
SEEDS["feedback-flood"] = (
    bytes([1])
    + rtp(media) * 3
    + b"".join(rtcp(3, 31, i, dt=0) for i in range(8))
    + b"".join(rtcp(2, i) for i in range(6))
    + rtcp(4, 0x01, 0x86, 0xA0, 0xE4)
    + rtcp(4, 0, 0, 1, 0)
    + wait(255)
)

if __name__ == "__main__":
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
