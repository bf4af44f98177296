#!/usr/bin/env python3
"""gen_rtx_corpus.py - writes the seed inputs of the RFC 4588 fuzz target
(tests/fuzz/fuzz_rtx.c: the input is one RTP packet, its last byte also
picks the RTX payload type, SSRC and sequence number) into the folder given
as argument:

    python3 tests/fuzz/gen_rtx_corpus.py tests/fuzz/corpus/rtx

Seeds: an RTX packet of a video packet (two-byte OSN, CSRCs, one-byte
extension), one with padding, a padding-only probe as libwebrtc sends
them, an OSN-only packet, a one-byte payload (shorter than the OSN) and a
plain audio packet."""
import os
import struct
import sys


def rtp(pt, seq, ts, ssrc, payload=b"", marker=False, csrcs=(), ext=None, pad=0):
    b0 = 0x80 | (0x20 if pad else 0) | (0x10 if ext is not None else 0) | len(csrcs)
    out = struct.pack(">BBHII", b0, (0x80 if marker else 0) | pt, seq, ts, ssrc)
    out += b"".join(struct.pack(">I", c) for c in csrcs)
    if ext is not None:
        profile, data = ext
        out += struct.pack(">HH", profile, len(data) // 4) + data
    out += payload
    if pad:
        out += bytes(pad - 1) + bytes([pad])
    return out


# one-byte extension: abs-send-time (id 3) and transport-wide seq (id 5)
EXT = (0xBEDE, bytes([0x32, 0x12, 0x34, 0x56, 0x51, 0x00, 0x2A, 0x00]))
SEEDS = {
    "rtx-video-csrc-ext": rtp(97, 100, 90000, 0x5EED0001, b"\x12\x34" + bytes(range(40)),
                              marker=True, csrcs=(0xAABBCCDD, 0x01020304), ext=EXT),
    "rtx-padded": rtp(97, 0xFFFF, 1, 0x5EED0002, b"\xff\xfe\x90\x90\x90", ext=EXT, pad=4),
    "probe-padding-only": rtp(97, 7, 3000, 0x5EED0003, ext=EXT, pad=224),
    "osn-only": rtp(97, 8, 3000, 0x5EED0003, b"\x00\x01"),
    "one-byte-payload": rtp(97, 9, 3000, 0x5EED0003, b"\x01", pad=2),
    "audio-plain": rtp(111, 4242, 960, 0x5EED0004, bytes(range(80, 160))),
}

if __name__ == "__main__":
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
