"""aiortc_peer.py - a second, independent WebRTC stack as a Switchboard
participant: joins a room over the WebSocket protocol, publishes synthetic
video (and audio), answers the server's renegotiation offers, and counts the
video frames it decodes from each remote participant.

Run with Debian's interpreter (/usr/bin/python3) inside a network namespace:
    aiortc_peer.py --url ws://127.0.0.1:PORT/ws --room R --seconds 10
Prints one JSON object with what it received, then exits 0."""
import argparse
import asyncio
import json
import sys
import time

import logging
import os

import aioice.ice
import websockets
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

if os.environ.get("SB_AIORTC_DEBUG"):
    logging.basicConfig(level=logging.DEBUG)

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


async def run(args):
    stats = {"joined": None, "frames": {}, "audio_frames": {}, "errors": [], "peer_left": []}
    pc = RTCPeerConnection()
    pc.addTrack(VideoStreamTrack())
    if not args.no_audio:
        pc.addTrack(AudioStreamTrack())
    # Receive-only transceivers let the server send the other participant's
    # media in its answer, without adding m-lines later (aiortc 1.4 handles
    # offers that add m-lines poorly).
    for _ in range(args.recv_slots):
        pc.addTransceiver("video", direction="recvonly")
        if not args.no_audio:
            pc.addTransceiver("audio", direction="recvonly")

    async def consume(track, peer_id):
        key = "frames" if track.kind == "video" else "audio_frames"
        while True:
            try:
                await track.recv()
            except Exception:
                return
            stats[key][peer_id] = stats[key].get(peer_id, 0) + 1

    @pc.on("track")
    def on_track(track):
        # Switchboard's track ids are "<peer_id>-<mid>" (msid).
        peer_id = (track.id or "unknown").split("-")[0]
        asyncio.ensure_future(consume(track, peer_id))

    async with websockets.connect(args.url) as ws:
        await ws.send(json.dumps({"type": "join", "room": args.room, "name": "aiortc"}))
        end = time.time() + args.seconds
        offered = False
        while time.time() < end:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, end - time.time()))
            except asyncio.TimeoutError:
                break
            msg = json.loads(raw)
            t = msg.get("type")
            if t == "joined":
                stats["joined"] = msg
                if not offered:
                    offered = True
                    await pc.setLocalDescription(await pc.createOffer())
                    await ws.send(json.dumps({"type": "offer", "sdp": pc.localDescription.sdp}))
            elif t == "answer":
                await pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "answer"))
            elif t == "offer":
                if args.dump:
                    open(f"{args.dump}-offer.sdp", "w").write(msg["sdp"])
                await pc.setRemoteDescription(RTCSessionDescription(msg["sdp"], "offer"))
                await pc.setLocalDescription(await pc.createAnswer())
                if args.dump:
                    open(f"{args.dump}-answer.sdp", "w").write(pc.localDescription.sdp)
                await ws.send(json.dumps({"type": "answer", "sdp": pc.localDescription.sdp}))
            elif t == "error":
                stats["errors"].append(msg)
            elif t == "peer-left":
                stats["peer_left"].append(msg)
    stats["connection_state"] = pc.connectionState
    await pc.close()
    print(json.dumps(stats))
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--room", required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--no-audio", action="store_true")
    p.add_argument("--recv-slots", type=int, default=1,
                   help="recvonly video(+audio) transceivers to offer (default 1)")
    p.add_argument("--dump", help="write the SDPs exchanged to files with this prefix")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
