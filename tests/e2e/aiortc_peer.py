"""aiortc_peer.py - a second, independent WebRTC stack as a Switchboard
participant: joins a room over the WebSocket protocol, publishes synthetic
video (and audio), answers the server's renegotiation offers, and counts the
video frames it decodes from each remote participant.

Run with Debian's interpreter (/usr/bin/python3) inside a network namespace:
    aiortc_peer.py --url ws://127.0.0.1:PORT/ws --room R --seconds 10
Prints one JSON object with what it received, then exits 0 (also when the
server closes the WebSocket first, e.g. after a "bye").

For tests of the server's disconnect timeout, --stop-media-after S (seconds
after the peer connection is connected) or --stop-media-on-usr1 (on SIGUSR1)
makes the peer go silent: every ICE socket stops sending and receiving, without
a DTLS close_notify or any other goodbye, while the WebSocket stays open and
keeps being read. --progress prints one JSON line per event to stderr as it
happens ({"t": seconds since start, "event": ...}); with --report-every S it
also prints, every S seconds, {"event": "stats", "frames": {peer_id: video
frames decoded so far}, "audio_frames": {...}, "feedback": {...}}.

"feedback" (also in the final JSON) counts aiortc's own loss recovery, for
tests over lossy links: NACK messages and sequence numbers it sent and received,
PLIs it sent and received, RTX packets it received and unwrapped. aiortc 1.4's
getStats() has none of these, so they are counted by wrapping its
RTCRtpReceiver/RTCRtpSender methods in this process."""
import argparse
import asyncio
import json
import sys
import time

import logging
import os
import signal

import aioice.ice
import aiortc.rtcrtpreceiver
import aiortc.rtcrtpsender
import aiortc.rtp
import websockets
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

if os.environ.get("SB_AIORTC_DEBUG"):
    logging.basicConfig(level=logging.DEBUG)

aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]

FEEDBACK = {"nacks_sent": 0, "nacked_seqs_sent": 0, "plis_sent": 0, "rtx_received": 0,
            "nacks_received": 0, "nacked_seqs_received": 0, "plis_received": 0}


def count_feedback():
    """Wraps aiortc's receiver and sender methods to count loss feedback (FEEDBACK)."""
    rx = aiortc.rtcrtpreceiver.RTCRtpReceiver
    tx = aiortc.rtcrtpsender.RTCRtpSender
    send_nack, send_pli = rx._send_rtcp_nack, rx._send_rtcp_pli
    handle_rtcp = tx._handle_rtcp_packet
    unwrap_rtx = aiortc.rtcrtpreceiver.unwrap_rtx

    async def nack(self, media_ssrc, lost):
        FEEDBACK["nacks_sent"] += 1
        FEEDBACK["nacked_seqs_sent"] += len(lost)
        return await send_nack(self, media_ssrc, lost)

    async def pli(self, media_ssrc):
        FEEDBACK["plis_sent"] += 1
        return await send_pli(self, media_ssrc)

    async def rtcp(self, packet):
        if isinstance(packet, aiortc.rtp.RtcpRtpfbPacket) and \
                packet.fmt == aiortc.rtp.RTCP_RTPFB_NACK:
            FEEDBACK["nacks_received"] += 1
            FEEDBACK["nacked_seqs_received"] += len(packet.lost)
        elif isinstance(packet, aiortc.rtp.RtcpPsfbPacket) and \
                packet.fmt == aiortc.rtp.RTCP_PSFB_PLI:
            FEEDBACK["plis_received"] += 1
        return await handle_rtcp(self, packet)

    def unwrap(*a, **k):
        FEEDBACK["rtx_received"] += 1
        return unwrap_rtx(*a, **k)

    rx._send_rtcp_nack, rx._send_rtcp_pli = nack, pli
    tx._handle_rtcp_packet = rtcp
    aiortc.rtcrtpreceiver.unwrap_rtx = unwrap


count_feedback()


def silence(pc):
    """Stops all UDP traffic of pc's ICE sockets, both ways, saying nothing."""
    n = 0
    for tr in pc.getTransceivers():
        dtls = tr.sender.transport or tr.receiver.transport
        conn = getattr(getattr(dtls, "transport", None), "_connection", None)
        for proto in getattr(conn, "_protocols", []):
            udp = proto.transport
            if udp is None or getattr(udp, "_sb_silenced", False):
                continue
            udp.sendto = lambda *a, **k: None
            proto.datagram_received = lambda data, addr: None
            udp._sb_silenced = True
            n += 1
    return n


async def run(args):
    stats = {"joined": None, "frames": {}, "audio_frames": {}, "errors": [], "peer_left": [],
             "peer_joined": [], "bye": None, "closed": None, "media_stopped": None}
    t0 = time.time()

    def progress(event, **kw):
        if args.progress:
            sys.stderr.write(json.dumps({"t": round(time.time() - t0, 3), "event": event, **kw}) + "\n")
            sys.stderr.flush()

    pc = RTCPeerConnection()

    def stop_media(why):
        if stats["media_stopped"] is not None:
            return
        n = silence(pc)
        stats["media_stopped"] = round(time.time() - t0, 3)
        progress("media-stopped", why=why, sockets=n)

    @pc.on("connectionstatechange")
    def on_state():
        progress("connection", state=pc.connectionState)
        if pc.connectionState == "connected" and args.stop_media_after is not None:
            asyncio.get_running_loop().call_later(args.stop_media_after, stop_media, "timer")

    if args.stop_media_on_usr1:
        asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, stop_media, "SIGUSR1")
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
        progress("track", kind=track.kind, peer_id=peer_id)
        asyncio.ensure_future(consume(track, peer_id))

    async def report():
        while True:
            await asyncio.sleep(args.report_every)
            progress("stats", frames=dict(stats["frames"]), audio_frames=dict(stats["audio_frames"]),
                     feedback=dict(FEEDBACK))

    if args.report_every and args.progress:
        asyncio.ensure_future(report())

    async with websockets.connect(args.url) as ws:
        await ws.send(json.dumps({"type": "join", "room": args.room, "name": "aiortc"}))
        end = time.time() + args.seconds
        offered = False
        while time.time() < end:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=max(0.1, end - time.time()))
            except asyncio.TimeoutError:
                break
            except websockets.exceptions.ConnectionClosed as e:
                stats["closed"] = {"t": round(time.time() - t0, 3), "code": e.code}
                progress("ws-closed", code=e.code)
                break
            msg = json.loads(raw)
            t = msg.get("type")
            if t in ("joined", "peer-joined", "peer-left", "bye", "error"):
                progress(t, **{k: v for k, v in msg.items() if k in ("peer_id", "reason", "code", "peers")})
            if t == "joined":
                stats["joined"] = msg
                if not offered:
                    offered = True
                    await pc.setLocalDescription(await pc.createOffer())
                    sdp = pc.localDescription.sdp
                    if args.dtls_passive:
                        # Ask the server to be the DTLS client (RFC 5763 setup:passive).
                        sdp = sdp.replace("a=setup:actpass", "a=setup:passive")
                    await ws.send(json.dumps({"type": "offer", "sdp": sdp}))
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
                stats["peer_left"].append({**msg, "t": round(time.time() - t0, 3)})
            elif t == "peer-joined":
                stats["peer_joined"].append(msg)
            elif t == "bye":
                stats["bye"] = {**msg, "t": round(time.time() - t0, 3)}
    stats["connection_state"] = pc.connectionState
    stats["feedback"] = dict(FEEDBACK)
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
    p.add_argument("--dtls-passive", action="store_true",
                   help="offer a=setup:passive so that the server is the DTLS client")
    p.add_argument("--dump", help="write the SDPs exchanged to files with this prefix")
    p.add_argument("--stop-media-after", type=float, metavar="S",
                   help="go silent (no UDP either way, no DTLS close) S seconds after connecting; "
                        "the WebSocket stays open")
    p.add_argument("--stop-media-on-usr1", action="store_true",
                   help="go silent the same way on SIGUSR1")
    p.add_argument("--progress", action="store_true",
                   help="print one JSON line per event to stderr as it happens")
    p.add_argument("--report-every", type=float, metavar="S",
                   help="with --progress: a \"stats\" line (frames so far, feedback counters) every S seconds")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
