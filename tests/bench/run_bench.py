#!/usr/bin/python3
"""run_bench.py - Switchboard and Janus carrying the same load on the same
machine, in one run (issue 5). `make bench` calls it; by hand:

    /usr/bin/python3 tests/bench/run_bench.py --build build/release [--max-calls 300]

What it does, in a network namespace of its own (it re-executes itself under
`unshare -n`; a veth pair va/vb with 198.18.0.1/24 on va, because Janus ignores
loopback interfaces; packets to 198.18.0.1 still travel over lo):
  1. For Switchboard (a release build, once per --workers value) and for
     Debian's janus (VideoCall plugin, WebSocket transport, configuration
     files written here), for calls = 1, 10, 50, 100, 200, then +100 while
     loss stays under 1% (up to --max-calls): starts the server fresh, notes
     its idle RSS, runs tests/bench/sb-loadgen, samples the server's
     /proc/PID/stat (utime + stime) and VmRSS when the generator prints
     WINDOW START and WINDOW END, stops the server.
  2. Runs tests/bench/ceiling: recv -> srtp_unprotect -> srtp_protect -> send
     on one core for the same packet mix, the most any forwarder can do here.
  3. Counts instructions per forwarded packet, a figure load on the machine
     cannot move: `perf stat -e instructions` where the CPU exposes the
     counter, else valgrind --tool=callgrind (counters zeroed at WINDOW START
     and dumped at WINDOW END; an idle run of the same length subtracted).
  4. Loss recovery: one more step per server (--drop-calls, 100 calls) in
     which sb-loadgen drops --drop-recv (2%) of the video it receives, as a
     lossy network would, and NACKs it like a browser; the server answers
     from its retransmission history (RTX when negotiated). Reported: the
     retransmissions served, what was recovered, and CPU per forwarded packet
     next to the same step without loss.
  5. Writes docs/benchmarks.md (machine, tables, ceiling, worker scaling,
     loss recovery, instructions, targets met or missed), docs/benchmarks.csv
     and docs/benchmarks.png (gnuplot: CPU per packet and loss against calls).

--smoke: 2 calls for a few seconds against both servers, with 2% of the
received video dropped and NACKed, TAP output; asserts that calls come up,
media arrives uncorrupted and Switchboard serves retransmissions (in RTX
form) that recover the drops, never a speed. The test suite runs it
(tests/bench/smoke_bench.sh).

Standard library only; run with /usr/bin/python3."""
import argparse
import csv
import datetime
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SRCDIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ADDR = "198.18.0.1"
NETNS_ENV = "SB_BENCH_NETNS"
HZ = os.sysconf("SC_CLK_TCK")
LOSS_LIMIT = 1.0  # percent: a step at or above it ends the server's run
LOAD_MIN_PCT = 90.0  # a step whose generator got less than this share of its load through is not carried
TARGET_CPU_RATIO = 0.25  # with NACK/RTX, upstream NACKs and transport-cc feedback switched on
TARGET_CEILING_FRACTION = 0.5
TARGET_RSS_PER_CALL_KIB = 200
TARGET_WORKER_SCALING = 1.7
TARGET_RECOVERED_PCT = 99.0  # of the packets the generator dropped on purpose
CEILING_PEERS_DEFAULT = 600  # sessions of the extra ceiling when Switchboard carried no step (300 calls)
SMOKE_DROP = 0.02  # share of received video the smoke run drops and NACKs
RECOVERY_FIELDS = ["dropped", "nack_packets", "nacked_seqs", "retransmissions", "rtx_packets", "recovered",
                   "rtx_unneeded", "given_up", "plis_sent", "nack_in_seqs", "resent", "twcc_feedback_in"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- namespace

def enter_netns(argv):
    """Re-executes this script in a new network namespace (unless already in
    one). Returns only inside the namespace; False if none can be made."""
    if os.environ.get(NETNS_ENV) == "1":
        return True
    env = dict(os.environ)
    env[NETNS_ENV] = "1"
    for flags in (["-n"], ["-rn"]):
        if subprocess.run(["unshare", *flags, "true"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0:
            sys.stdout.flush()
            sys.stderr.flush()
            os.execvpe("unshare", ["unshare", *flags, sys.executable, os.path.abspath(__file__), *argv], env)
    return False


def setup_links():
    """lo up and a veth pair with ADDR on va. Returns an error string or None."""
    for cmd in (["ip", "link", "set", "lo", "up"],
                ["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"],
                ["ip", "addr", "add", f"{ADDR}/24", "dev", "va"],
                ["ip", "link", "set", "va", "up"],
                ["ip", "link", "set", "vb", "up"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            return f"{' '.join(cmd)}: {r.stderr.strip()}"
    # the address is usable once bindable
    for _ in range(50):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind((ADDR, 0))
            return None
        except OSError:
            time.sleep(0.05)
    return f"{ADDR} never became bindable"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


# ------------------------------------------------------------------- /proc

def proc_ticks(pid):
    """utime + stime of a process (all its threads, dead ones included), in ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def proc_stime(pid):
    """stime alone (kernel time), in ticks."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[12])
    except (OSError, IndexError, ValueError):
        return None


def proc_status_kib(pid, key="VmRSS"):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def machine_ticks():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + (v[4] if len(v) > 4 else 0)
        return sum(v) - idle, sum(v)
    except (OSError, ValueError):
        return 0, 0


# ----------------------------------------------------------------- servers

class Server:
    """A server process; subclasses say how to start it."""
    name = "server"

    def __init__(self, tmp, tag, wrapper=()):
        self.tmp = tmp
        self.tag = tag
        self.wrapper = list(wrapper)
        self.proc = None
        self.log_path = os.path.join(tmp, f"{tag}.log")
        self.port = None
        self.exit_code = None
        self.stopped_cleanly = None

    @property
    def pid(self):
        return self.proc.pid

    def ticks(self):
        return proc_ticks(self.pid)

    def rss_kib(self):
        return proc_status_kib(self.pid, "VmRSS")

    def log_tail(self, n=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def _spawn(self, cmd, env=None):
        self.logf = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.wrapper + cmd, stdin=subprocess.DEVNULL, stdout=self.logf,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.exit_code = self.proc.wait(timeout)
            self.stopped_cleanly = self.exit_code == 0
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.exit_code = self.proc.wait()
            self.stopped_cleanly = False
        self.logf.close()
        return self.exit_code


CGROUP_PERIOD_US = 10000  # short, so that a throttled worker waits at most ~10 ms
SCALING_CPU_PER_WORKER = 0.35  # --scaling: little enough that the generator never starves 2 workers
SCALING_STEPS = "40,60,80,100,120,140,160,180,200,220,240,260,280"


class CpuBudget:
    """A CPU quota for one process (all its threads): a cgroup with
    `cores` CPUs' worth of time per period, cgroup v1 (cpu controller) or v2
    (cpu.max). Used to give every media worker the same share of a core when
    the machine has too few cores for workers and generator side by side."""

    def __init__(self, pid, cores, tag):
        self.path = None
        quota = max(1000, int(cores * CGROUP_PERIOD_US))
        v1 = "/sys/fs/cgroup/cpu"
        if os.path.exists(os.path.join(v1, "cpu.cfs_quota_us")):
            self.path = os.path.join(v1, f"sb-bench-{tag}-{pid}")
            os.makedirs(self.path, exist_ok=True)
            self._write("cpu.cfs_period_us", CGROUP_PERIOD_US)
            self._write("cpu.cfs_quota_us", quota)
        elif "cpu" in self._read("/sys/fs/cgroup/cgroup.controllers").split():
            self._write_abs("/sys/fs/cgroup/cgroup.subtree_control", "+cpu")
            self.path = os.path.join("/sys/fs/cgroup", f"sb-bench-{tag}-{pid}")
            os.makedirs(self.path, exist_ok=True)
            self._write("cpu.max", f"{quota} {CGROUP_PERIOD_US}")
        else:
            raise OSError("no cpu cgroup controller (v1 /sys/fs/cgroup/cpu or v2 cpu.max)")
        self._write("cgroup.procs", pid)

    @staticmethod
    def _read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ""

    @staticmethod
    def _write_abs(path, value):
        with open(path, "w") as f:
            f.write(str(value))

    def _write(self, name, value):
        self._write_abs(os.path.join(self.path, name), value)

    def remove(self):
        if self.path:
            try:
                os.rmdir(self.path)
            except OSError:
                pass


class Switchboard(Server):
    name = "switchboard"

    def __init__(self, tmp, tag, build, workers, wrapper=(), log_level="warning", media=(),
                 cpu_per_worker=None):
        super().__init__(tmp, tag, wrapper)
        self.cpu_per_worker = cpu_per_worker
        self.budget = None
        self.binary = os.path.join(build, "switchboard")
        self.workers = workers
        self.log_level = log_level
        self.media = list(media)  # extra "key = value" lines for [media]

    def start(self, timeout=30):
        conf = os.path.join(self.tmp, "switchboard.conf")
        plugins = os.path.join(os.path.dirname(self.binary), "plugins", ".libs")
        with open(conf, "w") as f:
            f.write("# written by tests/bench/run_bench.py\n"
                    "[server]\n"
                    f"log_level = {self.log_level}\n"
                    + (f"plugin_dir = {plugins}\n" if os.path.isdir(plugins) else ""))
            f.write("[signaling]\nmax_rooms = 100000\nmax_participants = 200000\n"
                    "[media]\nport_min = 10000\nport_max = 60000\n"
                    + "".join(f"{line}\n" for line in self.media))
        self.port = free_port()
        self._spawn([self.binary, "-c", conf, "--media-address", ADDR, "-a", "127.0.0.1",
                     "-p", str(self.port), "--workers", str(self.workers)])
        if self.cpu_per_worker:
            try:
                self.budget = CpuBudget(self.pid, self.cpu_per_worker * self.workers, self.tag)
            except OSError as e:
                log(f"cannot set a CPU budget: {e}")
                return False
        return wait_port(self.port, self.proc, timeout)

    def stop(self, sig=signal.SIGINT, timeout=30):
        # SIGINT stops at once; SIGTERM would drain (wait for rooms to end)
        rc = super().stop(sig, timeout)
        if self.budget:
            self.budget.remove()
        return rc

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}/ws"


def janus_lib_dir(kind):
    for d in sorted(glob.glob(f"/usr/lib/*/janus/{kind}")) + [f"/usr/lib/janus/{kind}"]:
        if os.path.isdir(d):
            return d
    return None


class Janus(Server):
    name = "janus"

    def __init__(self, tmp, tag, binary="janus", wrapper=()):
        super().__init__(tmp, tag, wrapper)
        self.binary = shutil.which(binary) or binary
        self.cfgdir = os.path.join(tmp, "janus-conf")

    def write_config(self):
        """The configuration of NOTES-janus.md: one interface (ADDR), one host
        candidate, VideoCall + WebSockets only, no admin API."""
        os.makedirs(self.cfgdir, exist_ok=True)
        plugins, transports = janus_lib_dir("plugins"), janus_lib_dir("transports")
        if not plugins or not transports:
            raise RuntimeError("janus plugin/transport folders not found under /usr/lib")

        def others(folder, keep):
            return ",".join(sorted(n for n in os.listdir(folder) if n.endswith(".so") and n != keep))

        with open(os.path.join(self.cfgdir, "janus.jcfg"), "w") as f:
            f.write(f"""# written by tests/bench/run_bench.py
general: {{
	configs_folder = "{self.cfgdir}"
	plugins_folder = "{plugins}"
	transports_folder = "{transports}"
	interface = "{ADDR}"
	debug_level = 4
	debug_timestamps = false
	debug_colors = false
	admin_secret = "{os.urandom(8).hex()}"
	session_timeout = 120
}}
certificates: {{
}}
media: {{
	rtp_port_range = "20000-60000"
}}
nat: {{
	ice_enforce_list = "{ADDR}"
	nice_debug = false
}}
plugins: {{
	disable = "{others(plugins, "libjanus_videocall.so")}"
}}
transports: {{
	disable = "{others(transports, "libjanus_websockets.so")}"
}}
events: {{
	broadcast = false
}}
""")
        with open(os.path.join(self.cfgdir, "janus.transport.websockets.jcfg"), "w") as f:
            f.write(f"""# written by tests/bench/run_bench.py
general: {{
	json = "compact"
	ws = true
	ws_port = {self.port}
	ws_ip = "127.0.0.1"
	wss = false
}}
admin: {{
	admin_ws = false
	admin_wss = false
}}
""")
        with open(os.path.join(self.cfgdir, "janus.plugin.videocall.jcfg"), "w") as f:
            f.write("# written by tests/bench/run_bench.py\ngeneral: {\n}\n")

    def start(self, timeout=30):
        self.port = free_port()
        self.write_config()
        self._spawn([self.binary, "-F", self.cfgdir, "-C", os.path.join(self.cfgdir, "janus.jcfg"), "-o"])
        return wait_port(self.port, self.proc, timeout)

    def stop(self, sig=signal.SIGINT, timeout=30):
        return super().stop(sig, timeout)

    @property
    def url(self):
        return f"ws://127.0.0.1:{self.port}"


# ----------------------------------------------------------------- loadgen

class LoadgenRun:
    """One sb-loadgen run. on_start/on_end are called from the reader thread
    the moment WINDOW START / WINDOW END arrive on its stderr."""

    def __init__(self, binary, target, url, calls, duration, tmp, tag, threads=2, extra=(),
                 on_start=None, on_end=None, server=None):
        self.binary = binary
        self.cmd_json = os.path.join(tmp, f"{tag}.json")
        self.log_path = os.path.join(tmp, f"{tag}.loadgen.log")
        self.cmd = [binary, "--target", target, "--url", url, "--calls", str(calls),
                    "--duration", str(duration), "--address", ADDR, "--threads", str(threads),
                    "--json", self.cmd_json, *extra]
        self.calls = calls
        self.duration = duration
        self.on_start = on_start
        self.on_end = on_end
        self.server = server
        self.samples = {}
        self.progress = ""
        self.result = None
        self.rc = None

    def _sample(self):
        busy, total = machine_ticks()
        return {"t": time.time(), "mono": time.monotonic(),
                "server_ticks": self.server.ticks() if self.server else None,
                "server_stime": proc_stime(self.server.pid) if self.server else None,
                "server_rss": self.server.rss_kib() if self.server else None,
                "loadgen_ticks": proc_ticks(self.proc.pid),
                "machine_busy": busy, "machine_total": total}

    def _reader(self):
        fd = self.proc.stderr.fileno()
        buf = b""
        with open(self.log_path, "w") as logf:
            while True:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                parts = re.split(rb"[\r\n]", buf)
                buf = parts.pop()
                for raw in parts:
                    line = raw.decode("utf-8", "replace").strip()
                    if not line:
                        continue
                    if line.startswith("WINDOW START"):
                        self.samples["start"] = self._sample()
                        if self.on_start:
                            self.on_start(self)
                    elif line.startswith("WINDOW END"):
                        self.samples["end"] = self._sample()
                        if self.on_end:
                            self.on_end(self)
                    elif line.startswith("calls up"):
                        self.progress = line
                        continue
                    logf.write(line + "\n")

    def run(self, timeout):
        if os.path.exists(self.cmd_json):
            os.unlink(self.cmd_json)
        out_path = self.cmd_json + ".stdout"
        with open(out_path, "w+b") as out:
            self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
            reader = threading.Thread(target=self._reader, daemon=True)
            reader.start()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            reader.join(5)
            self.proc.stderr.close()
            out.seek(0)
            stdout = out.read().decode("utf-8", "replace")
        self.rc = self.proc.returncode
        self.result = None
        try:
            with open(self.cmd_json) as f:
                self.result = json.load(f)
        except (OSError, ValueError):
            lines = [ln for ln in stdout.splitlines() if ln.strip().startswith("{")]
            if lines:
                try:
                    self.result = json.loads(lines[-1])
                except ValueError:
                    pass
        return self.result

    def log_tail(self, n=20):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""


def loadgen_timeout(calls, duration, setup_rate=20):
    return 90 + 3 * calls / setup_rate + 2 * duration


# ------------------------------------------------------------------- steps

def gso_packets(log_path):
    """Datagrams the worker sockets sent in UDP GSO messages, summed over
    their closing log lines (info level); None when no line was found."""
    total = None
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                m = re.search(r"\((\d+) of them in GSO messages", line)
                if m:
                    total = (total or 0) + int(m.group(1))
    except OSError:
        return None
    return total


def make_server(kind, args, tmp, tag, workers=1, wrapper=(), log_level="warning"):
    if kind == "switchboard":
        return Switchboard(tmp, tag, args.build, workers, wrapper, media=args.sb_media,
                           cpu_per_worker=args.cpu_per_worker, log_level=log_level)
    return Janus(tmp, tag, args.janus, wrapper)


def run_step(kind, workers, calls, args, tmp, drop=0.0):
    """Fresh server, one sb-loadgen run, figures. Returns a row dict. drop > 0:
    the generator drops that share of the video it receives and NACKs it."""
    label = f"{kind}-w{workers}" if kind == "switchboard" else kind
    tag = f"{label}-{calls}" + (f"-drop{drop:g}" if drop else "")
    row = {"server": kind, "workers": workers if kind == "switchboard" else "", "calls": calls}
    if drop:
        row["drop_recv"] = drop
    server = make_server(kind, args, tmp, tag, workers)
    if not server.start():
        server.stop()
        row["error"] = f"{kind} did not start: {server.log_tail(10)}"
        return row
    time.sleep(0.5)
    row["rss_cold_kib"] = server.rss_kib()
    # One short call first, gone before the idle reading: what the first call
    # pays once (OpenSSL's algorithm caches, thread arenas) is not per call.
    warm = LoadgenRun(args.loadgen, kind, server.url, 1, 1, tmp, tag + "-warmup",
                      threads=1, server=server)
    warm.run(loadgen_timeout(1, 1))
    time.sleep(1.0)
    row["rss_idle_kib"] = server.rss_kib()
    lg = LoadgenRun(args.loadgen, kind, server.url, calls, args.duration, tmp, tag,
                    threads=args.threads, server=server, extra=drop_args(drop))
    res = lg.run(loadgen_timeout(calls, args.duration))
    server.stop()
    row["server_exit"] = server.exit_code
    row["loadgen_exit"] = lg.rc
    if not res:
        row["error"] = f"no result from sb-loadgen (exit {lg.rc}): {lg.log_tail(10)}"
        return row
    row.update(figures(res, lg.samples, calls))
    return row


def drop_args(drop):
    return ["--drop-recv", f"{drop:g}"] if drop else []


def _num(x, default=0.0):
    return x if isinstance(x, (int, float)) else default


def figures(res, samples, calls):
    """The per-step figures from the generator's result and the /proc samples."""
    f = {
        "calls_up": res.get("calls_up"), "calls_failed": res.get("calls_failed"),
        "duration_s": res.get("duration_s"),
        "sent_packets": res.get("sent_packets"), "forwarded_packets": res.get("received_packets"),
        "lost": res.get("lost"), "duplicates": res.get("duplicates"), "corrupt": res.get("corrupt"),
        "loss_pct": res.get("loss_pct"),
        "latency_p50_us": (res.get("latency_us") or {}).get("p50"),
        "latency_p99_us": (res.get("latency_us") or {}).get("p99"),
        "forwarded_pps": res.get("forwarded_pps"), "forwarded_mbps": res.get("forwarded_mbps"),
        "setup_median_ms": (res.get("setup_ms") or {}).get("median"),
        "setup_p99_ms": (res.get("setup_ms") or {}).get("p99"),
        "srtp_profile": res.get("srtp_profile") or res.get("srtp_profiles"),
    }
    rec = res.get("recovery") or {}
    if rec.get("nack"):
        for k in RECOVERY_FIELDS:
            f[k] = rec.get(k)
        if _num(rec.get("dropped")):
            f["recovered_pct"] = round(100.0 * _num(rec.get("recovered")) / rec["dropped"], 1)
    f["twcc_feedback_in"] = rec.get("twcc_feedback_in")
    s, e = samples.get("start"), samples.get("end")
    if s and e and s.get("server_ticks") is not None and e.get("server_ticks") is not None:
        window = e["mono"] - s["mono"]
        cpu = (e["server_ticks"] - s["server_ticks"]) / HZ
        fwd = _num(res.get("received_packets"))
        f["window_s"] = round(window, 3)
        f["server_cpu_s"] = round(cpu, 2)
        f["server_cpu_pct"] = round(100.0 * cpu / window, 1) if window > 0 else None
        f["cpu_s_per_mpkt"] = round(cpu / fwd * 1e6, 2) if fwd and cpu > 0 else None
        f["pps_per_core"] = round(fwd / cpu) if cpu > 0 else None
        if rec.get("nack") and window > 0:
            f["retransmissions_per_s"] = round(_num(rec.get("retransmissions")) / window, 1)
        f["rss_kib"] = e.get("server_rss")
        if s.get("server_stime") is not None and e.get("server_stime") is not None and cpu > 0:
            f["server_sys_pct"] = round(100.0 * (e["server_stime"] - s["server_stime"]) / HZ / cpu, 1)
        if s.get("loadgen_ticks") is not None and e.get("loadgen_ticks") is not None and window > 0:
            f["loadgen_cpu_pct"] = round(100.0 * (e["loadgen_ticks"] - s["loadgen_ticks"]) / HZ / window, 1)
        mt = e["machine_total"] - s["machine_total"]
        f["machine_busy_pct"] = round(100.0 * (e["machine_busy"] - s["machine_busy"]) / mt, 1) if mt else None
    return f


def finish_row(row, ceiling_pps, sessions_pps=None):
    idle, rss, calls = row.get("rss_idle_kib"), row.get("rss_kib"), row.get("calls")
    if idle is not None and rss is not None and calls:
        row["rss_per_call_kib"] = round((rss - idle) / calls, 1)
    if ceiling_pps and row.get("pps_per_core"):
        row["ceiling_fraction"] = round(row["pps_per_core"] / ceiling_pps, 3)
    if sessions_pps and row.get("pps_per_core"):
        row["ceiling_fraction_sessions"] = round(row["pps_per_core"] / sessions_pps, 3)
    return row


def carried(row):
    """A step the server carried: every call up, loss under the limit, no
    corruption, and the generator got its whole load through (load_pct, when
    known: a starved generator sends less and so loses less)."""
    return ("error" not in row and row.get("calls_up") == row.get("calls")
            and _num(row.get("loss_pct"), 100.0) < LOSS_LIMIT and not row.get("corrupt")
            and _num(row.get("load_pct"), 100.0) >= LOAD_MIN_PCT)


def nominal_pps_per_peer(rows):
    """Packets/s one peer receives when nothing is short of CPU: the best of
    the small steps (10 calls or fewer) without loss."""
    vals = [r["forwarded_pps"] / (2 * r["calls"]) for r in rows
            if "error" not in r and r.get("calls") and r["calls"] <= 10 and r.get("forwarded_pps")
            and _num(r.get("loss_pct"), 100.0) < LOSS_LIMIT]
    return max(vals) if vals else None


def set_load_pct(row, nominal):
    if nominal and row.get("forwarded_pps") is not None and row.get("calls"):
        row["load_pct"] = round(100.0 * row["forwarded_pps"] / (2 * row["calls"] * nominal), 1)


def step_list(args):
    """(calls, fixed): the --steps list, always run, then +--increment up to
    --max-calls, run only while the previous step was carried."""
    steps = [int(x) for x in args.steps.split(",") if x.strip()]
    steps = sorted(set(c for c in steps if 0 < c <= args.max_calls))
    out = [(c, True) for c in steps]
    nxt = (steps[-1] if steps else 0) + args.increment
    while args.increment > 0 and nxt <= args.max_calls:
        out.append((nxt, False))
        nxt += args.increment
    return out


def run_series(kind, workers, args, tmp):
    rows = []
    for calls, fixed in step_list(args):
        if rows and not carried(rows[-1]):
            last = rows[-1]
            broken = "error" in last or _num(last.get("calls_up")) < 0.5 * last["calls"]
            if broken or not fixed:
                log(f"    stopping {kind} here: " + ("error or most calls failed" if broken else
                                                       "loss >= 1%, failed calls or corruption"))
                break
        log(f"[{kind}{'' if kind == 'janus' else f' workers={workers}'}] {calls} calls ...")
        row = run_step(kind, workers, calls, args, tmp)
        rows.append(row)
        set_load_pct(row, nominal_pps_per_peer(rows))
        log("    " + describe(row))
    return rows


def describe(row):
    if "error" in row:
        return "error: " + row["error"].strip().replace("\n", " | ")[:300]
    return (f"up {row.get('calls_up')}/{row.get('calls')}, fwd {fmt(row.get('forwarded_pps'), 0)} pps, "
            f"CPU {fmt(row.get('cpu_s_per_mpkt'), 1)} s/Mpkt ({fmt(row.get('server_cpu_pct'), 0)}% of a core), "
            f"loss {fmt(row.get('loss_pct'), 3)}%, corrupt {row.get('corrupt')}, "
            f"p99 {fmt(_num(row.get('latency_p99_us'), None) and row['latency_p99_us'] / 1000, 2)} ms, "
            f"RSS {fmt(row.get('rss_kib') and row['rss_kib'] / 1024, 1)} MiB, load {fmt(row.get('load_pct'), 0)}%, "
            f"machine busy {fmt(row.get('machine_busy_pct'), 0)}%"
            + (f"; dropped {row.get('dropped')}, NACKed {row.get('nacked_seqs')}, retransmissions "
               f"{row.get('retransmissions')} (RTX {row.get('rtx_packets')}), recovered {row.get('recovered')}, "
               f"PLIs {row.get('plis_sent')}, server's NACKs {row.get('nack_in_seqs')} (resent {row.get('resent')})"
               if row.get("drop_recv") else ""))


def fmt(v, digits=1):
    if v is None or v == "":
        return "–"
    if isinstance(v, (int, float)):
        return f"{v:,.{digits}f}" if digits else f"{v:,.0f}"
    return str(v)


# ----------------------------------------------------------------- ceiling

def run_ceiling(args, seconds=3.0, extra=()):
    binary = os.path.join(args.build, "tests", "bench", "ceiling")
    if not os.access(binary, os.X_OK):
        return {"error": f"{binary} not built"}
    r = subprocess.run([binary, "--address", ADDR, "--seconds", str(seconds), *extra],
                       capture_output=True, text=True, timeout=600)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": f"ceiling exit {r.returncode}: {r.stderr.strip()[:300]}"}
    out = json.loads(lines[-1])
    out["table"] = "\n".join(ln for ln in r.stdout.splitlines() if not ln.startswith("{"))
    out["exit"] = r.returncode
    return out


def ceiling_pps(ceiling, profile="AEAD_AES_128_GCM", mode="single"):
    for c in (ceiling or {}).get("ceiling", []):
        if c["profile"] == profile and c["mode"] == mode:
            return c["pps_per_core"]
    return None


def reference_ceiling(ceiling):
    """What Switchboard's throughput per core is measured against: GCM with
    recvmmsg/sendmmsg batches, the way its worker sockets read and write
    (falling back to one packet per call when only that was measured)."""
    return ceiling_pps(ceiling, mode="batch") or ceiling_pps(ceiling, mode="single")


def ceiling_peers(rows):
    """Peers (SRTP session pairs) for the extra ceiling run: two per call of the
    largest step Switchboard carried, with any number of workers, so that its
    SRTP state is spread over as many peers as the server's was at most;
    CEILING_PEERS_DEFAULT when it carried none."""
    nominal = nominal_pps_per_peer(rows)
    most = 0
    for r in rows:
        if r.get("server") != "switchboard":
            continue
        r = dict(r)
        set_load_pct(r, nominal)
        if carried(r):
            most = max(most, r["calls"])
    return min(2 * most, 20000) if most else CEILING_PEERS_DEFAULT


def run_ceiling_sessions(args, peers, seconds, extra=()):
    """The GCM batched ceiling with one SRTP session pair per peer (--sessions):
    the state a forwarder touches per packet spread over `peers` peers, as a
    real server's is, instead of always hot in cache. Reported alongside the
    one-session ceiling, never in its place."""
    return run_ceiling(args, seconds=seconds, extra=["--profiles", "gcm", "--modes", "batch",
                                                     "--sessions", str(peers), *extra])


def sessions_ceiling(ceiling):
    """(pkts/s per core, peers, run) of the many-sessions GCM batched ceiling, or (None, None, None)."""
    many = (ceiling or {}).get("many_sessions") or {}
    if "error" in many:
        return None, None, None
    for c in many.get("ceiling", []):
        if c["profile"] == "AEAD_AES_128_GCM" and c["mode"] == "batch":
            return c["pps_per_core"], c.get("sessions", many.get("sessions")), c
    return None, None, None


# ------------------------------------------------------------ instructions

def perf_supported():
    if not shutil.which("perf"):
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "instructions", "true"], capture_output=True, text=True)
    return r.returncode == 0 and "<not supported>" not in r.stderr and "<not counted>" not in r.stderr


class Counter:
    """Instructions a process executes between begin() and end()."""

    def __init__(self, method, pid, tmp, tag):
        self.method, self.pid, self.tmp, self.tag = method, pid, tmp, tag
        self.value = None
        self.t0 = self.t1 = None
        self.error = None
        self._perf = None
        self._n = 0

    def begin(self):
        self._n += 1
        if self.method == "perf":
            self._out = os.path.join(self.tmp, f"{self.tag}.perf.{self._n}")
            self._perf = subprocess.Popen(["perf", "stat", "-x,", "-e", "instructions", "-p", str(self.pid),
                                           "-o", self._out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            r = subprocess.run(["callgrind_control", "-z", str(self.pid)], capture_output=True, text=True,
                               timeout=60)
            if r.returncode != 0:
                self.error = f"callgrind_control -z: {r.stdout.strip()} {r.stderr.strip()}"
        self.t0 = time.monotonic()

    def end(self):
        self.t1 = time.monotonic()
        if self.method == "perf":
            self._perf.send_signal(signal.SIGINT)
            self._perf.wait(30)
            try:
                with open(self._out) as f:
                    for line in f:
                        parts = line.strip().split(",")
                        if len(parts) > 2 and parts[2].startswith("instructions"):
                            self.value = int(float(parts[0]))
            except (OSError, ValueError):
                self.error = "perf stat gave no count"
            return
        before = set(glob.glob(os.path.join(self.tmp, f"{self.tag}.cg*")))
        r = subprocess.run(["callgrind_control", "-d", str(self.pid)], capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            self.error = f"callgrind_control -d: {r.stdout.strip()} {r.stderr.strip()}"
            return
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            new = sorted(set(glob.glob(os.path.join(self.tmp, f"{self.tag}.cg*"))) - before,
                         key=os.path.getmtime)
            if new:
                time.sleep(0.3)
                self.value = callgrind_total(new[-1])
                if self.value is not None:
                    return
            time.sleep(0.2)
        self.error = "no callgrind dump appeared"

    @property
    def seconds(self):
        return (self.t1 - self.t0) if self.t0 is not None and self.t1 is not None else None


def callgrind_total(path):
    """Ir of one callgrind dump: its "totals:" line (what valgrind reports as
    Collected), else "summary:"."""
    found = {}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                for key in ("totals:", "summary:"):
                    if line.startswith(key):
                        found[key] = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return found.get("totals:", found.get("summary:"))


def measure_instructions(kind, args, tmp, drop=0.0):
    """Instructions per forwarded packet for one server: a short fixed load
    (args.ins_calls calls for args.ins_seconds), minus an idle run as long.
    drop > 0: the generator drops that share of its video and NACKs it."""
    method = "perf" if perf_supported() else "callgrind"
    out = {"server": kind, "method": method, "calls": args.ins_calls, "seconds": args.ins_seconds}
    if drop:
        out["drop_recv"] = drop
    if method == "callgrind" and not shutil.which("valgrind"):
        out["error"] = "neither perf instruction counters nor valgrind are available"
        return out
    tag = f"ins-{kind}" + (f"-drop{drop:g}" if drop else "")

    def wrapper(phase):
        if method == "perf":
            return ()
        return ("valgrind", "--tool=callgrind", "--vgdb=yes",
                f"--callgrind-out-file={os.path.join(tmp, f'{tag}-{phase}.cg.%p')}")

    # idle: the server up, nobody calling, counted over the same length of time
    server = make_server(kind, args, tmp, f"{tag}-idle", 1, wrapper("idle"))
    if not server.start(timeout=180):
        server.stop(signal.SIGKILL)
        out["error"] = f"{kind} did not start under {method}: {server.log_tail(8)}"
        return out
    time.sleep(2)
    idle = Counter(method, server.pid, tmp, f"{tag}-idle")
    idle.begin()
    time.sleep(args.ins_seconds)
    idle.end()
    server.stop(timeout=120)
    if idle.value is None:
        out["error"] = f"idle count failed: {idle.error}"
        return out

    server = make_server(kind, args, tmp, f"{tag}-load", 1, wrapper("load"))
    if not server.start(timeout=180):
        server.stop(signal.SIGKILL)
        out["error"] = f"{kind} did not start under {method}: {server.log_tail(8)}"
        return out
    time.sleep(2)
    load = Counter(method, server.pid, tmp, f"{tag}-load")
    lg = LoadgenRun(args.loadgen, kind, server.url, args.ins_calls, args.ins_seconds, tmp, f"{tag}-lg",
                    threads=args.threads, server=server, extra=drop_args(drop),
                    on_start=lambda _: load.begin(), on_end=lambda _: load.end())
    res = lg.run(loadgen_timeout(args.ins_calls, args.ins_seconds) + 120)
    server.stop(timeout=120)
    if not res or load.value is None:
        out["error"] = (f"loaded count failed: {load.error or ''} loadgen exit {lg.rc}: "
                        f"{lg.log_tail(5)}").strip()
        return out
    fwd = _num(res.get("received_packets"))
    idle_scaled = idle.value * (load.seconds / idle.seconds) if idle.seconds else 0
    rec = res.get("recovery") or {}
    if drop:
        out.update({"dropped": rec.get("dropped"), "retransmissions": rec.get("retransmissions"),
                    "recovered": rec.get("recovered")})
    out.update({"calls_up": res.get("calls_up"), "forwarded_packets": fwd, "loss_pct": res.get("loss_pct"),
                "instructions_load": load.value, "load_s": round(load.seconds, 2),
                "instructions_idle": idle.value, "idle_s": round(idle.seconds, 2)})
    if fwd > 0:
        out["instructions_per_packet"] = round((load.value - idle_scaled) / fwd)
        out["instructions_per_packet_gross"] = round(load.value / fwd)
    else:
        out["error"] = "no packets forwarded under instrumentation"
    return out


def ceiling_instructions(args, tmp):
    """User-space instructions per packet of the ceiling's measured thread
    (callgrind, collecting only inside it), for the same comparison without
    the clock: GCM, one packet per system call."""
    out = {"server": "ceiling", "method": "callgrind"}
    binary = os.path.join(args.build, "tests", "bench", "ceiling")
    if not os.access(binary, os.X_OK):
        out["error"] = "ceiling not built"
        return out
    cg = os.path.join(tmp, "ins-ceiling.cg")
    r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=measured_main",
                        f"--callgrind-out-file={cg}", binary, "--address", ADDR, "--profiles", "gcm",
                        "--modes", "single", "--seconds", "2", "--warmup", "0", "--no-pin"],
                       capture_output=True, text=True, timeout=600)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    total = callgrind_total(cg)
    if not lines or total is None:
        out["error"] = f"ceiling under callgrind: exit {r.returncode} {r.stderr.strip()[-300:]}"
        return out
    runs = json.loads(lines[-1]).get("ceiling", [])
    n = runs[0].get("packets_total") if runs else None
    if not n:
        out["error"] = "ceiling forwarded nothing under callgrind"
        return out
    out.update({"forwarded_packets": n, "instructions_load": total,
                "instructions_per_packet": round(total / n), "instructions_per_packet_gross": round(total / n)})
    return out


# ---------------------------------------------------------------- machine

def run_text(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def pkg_version(name):
    v = run_text(["dpkg-query", "-W", "-f", "${Version}", name])
    return v if v and "no packages" not in v else "unknown"


def machine_info(args):
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            cpu = f.read()
        models = re.findall(r"^model name\s*:\s*(.*)$", cpu, re.M)
        info["cpu"] = models[0] if models else "unknown"
        info["vcpus"] = len(re.findall(r"^processor\s*:", cpu, re.M))
        mhz = re.findall(r"^cpu MHz\s*:\s*([\d.]+)", cpu, re.M)
        info["mhz"] = f"{float(mhz[0]):.0f}" if mhz else "?"
        flags = (re.findall(r"^flags\s*:\s*(.*)$", cpu, re.M) or [""])[0].split()
        info["cpu_flags"] = " ".join(x for x in ("aes", "pclmulqdq", "avx2", "avx512f", "vaes", "hypervisor")
                                     if x in flags)
    except OSError:
        info["cpu"] = "unknown"
    try:
        with open("/proc/meminfo") as f:
            m = re.search(r"MemTotal:\s*(\d+)", f.read())
            info["memory"] = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB" if m else "?"
    except OSError:
        info["memory"] = "?"
    u = os.uname()
    info["kernel"] = f"{u.sysname} {u.release} {u.machine}"
    try:
        with open("/etc/debian_version") as f:
            info["debian"] = f.read().strip()
    except OSError:
        info["debian"] = "unknown"
    info["janus"] = pkg_version("janus")
    info["libsrtp2"] = pkg_version("libsrtp2-1")
    info["libnice"] = pkg_version("libnice10")
    info["openssl"] = pkg_version("libssl3")
    info["switchboard"] = run_text([os.path.join(args.build, "switchboard"), "--version"]) or "?"
    r = subprocess.run(["git", "-C", SRCDIR, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    info["commit"] = r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "not a git checkout"
    info["cflags"] = build_var(args.build, "CFLAGS")
    info["san"] = is_sanitized(os.path.join(args.build, "switchboard"))
    info["loadavg_start"] = getattr(args, "loadavg_start", "?")
    return info


def build_var(build, name):
    try:
        with open(os.path.join(build, "Makefile")) as f:
            for line in f:
                if line.startswith(name + " = "):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return "?"


def is_sanitized(binary):
    try:
        with open(binary, "rb") as f:
            data = f.read()
        return b"libasan.so" in data or b"__asan_init" in data
    except OSError:
        return False


# ----------------------------------------------------------------- outputs

CSV_FIELDS = ["server", "workers", "calls", "calls_up", "calls_failed", "duration_s", "window_s",
              "server_cpu_s", "server_cpu_pct", "server_sys_pct", "cpu_s_per_mpkt", "pps_per_core", "ceiling_fraction",
              "ceiling_fraction_sessions",
              "forwarded_packets", "forwarded_pps", "load_pct", "forwarded_mbps", "sent_packets", "lost", "loss_pct",
              "duplicates", "corrupt", "latency_p50_us", "latency_p99_us", "rss_idle_kib", "rss_kib",
              "rss_per_call_kib", "setup_median_ms", "setup_p99_ms", "loadgen_cpu_pct", "machine_busy_pct",
              "srtp_profile", "drop_recv", *RECOVERY_FIELDS, "recovered_pct", "retransmissions_per_s", "error"]


def series_label(kind, workers):
    if kind == "janus":
        return "Janus"
    return f"Switchboard, {workers} worker{'s' if workers != 1 else ''}"


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in CSV_FIELDS})


def write_png(path, series, tmp, host):
    """gnuplot: CPU-seconds per million packets and loss against calls."""
    gp = shutil.which("gnuplot")
    if not gp:
        return "gnuplot not installed (apt-get install gnuplot-nox)"
    plots_cpu, plots_loss = [], []
    for i, (label, rows) in enumerate(series):
        pts = [r for r in rows if r.get("cpu_s_per_mpkt") is not None]
        if not pts:
            continue
        dat = os.path.join(tmp, f"plot{i}.dat")
        with open(dat, "w") as f:
            for r in pts:
                f.write(f"{r['calls']} {r['cpu_s_per_mpkt']} {_num(r.get('loss_pct'))}\n")
        title = label.replace("'", "")
        pt = (7, 5, 9, 11)[i % 4]
        plots_cpu.append(f"'{dat}' using 1:2 with linespoints lw 2 pt {pt} title '{title}'")
        plots_loss.append(f"'{dat}' using 1:3 with linespoints lw 2 pt {pt} title '{title}'")
    if not plots_cpu:
        return "nothing to plot"
    script = os.path.join(tmp, "plot.gp")
    for term in ("pngcairo size 1200,480 font 'sans,10'", "png size 1200,480"):
        with open(script, "w") as f:
            f.write(f"""set terminal {term}
set output '{path}'
set multiplot layout 1,2 title 'Switchboard and Janus carrying the same 1:1 calls on {host.replace("'", "")}'
set logscale x
set xlabel 'calls (two peers each, 50 pps audio + 1 Mbit/s video per peer)'
set grid
set key top right
set yrange [0:*]
set ylabel 'server CPU-seconds per million forwarded packets'
plot {", ".join(plots_cpu)}
set ylabel 'loss (%)'
set key top left
plot {", ".join(plots_loss)}
unset multiplot
""")
        r = subprocess.run([gp, script], capture_output=True, text=True)
        if r.returncode == 0 and os.path.exists(path) and os.path.getsize(path) > 0:
            return None
    return f"gnuplot failed: {r.stderr.strip()[:300]}"


def md_table(rows):
    head = ["calls", "up", "CPU-s / M pkt", "pkts/s per core", "% of ceiling", "fwd pkt/s", "load %", "Mbit/s",
            "loss %", "corrupt", "latency p50 / p99 ms", "RSS MiB", "RSS/call KiB", "set-up p50 / p99 ms",
            "server CPU % (kernel share)", "machine busy %"]
    out = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['calls']} | error: {r['error'].strip().splitlines()[0][:120]} |" + " |" * (len(head) - 2))
            continue
        lat = (f"{fmt(_num(r.get('latency_p50_us')) / 1000, 2)} / {fmt(_num(r.get('latency_p99_us')) / 1000, 2)}"
               if r.get("latency_p50_us") is not None else "–")
        setup = f"{fmt(r.get('setup_median_ms'), 0)} / {fmt(r.get('setup_p99_ms'), 0)}"
        frac = f"{100 * r['ceiling_fraction']:.0f}%" if r.get("ceiling_fraction") else "–"
        cpu = fmt(r.get("server_cpu_pct"), 0)
        if r.get("server_sys_pct") is not None:
            cpu += f" ({r['server_sys_pct']:.0f}%)"
        out.append("| " + " | ".join([
            str(r["calls"]), f"{r.get('calls_up')}", fmt(r.get("cpu_s_per_mpkt"), 1), fmt(r.get("pps_per_core"), 0),
            frac, fmt(r.get("forwarded_pps"), 0), fmt(r.get("load_pct"), 0), fmt(r.get("forwarded_mbps"), 1),
            fmt(r.get("loss_pct"), 3), str(r.get("corrupt")), lat, fmt(r.get("rss_kib") and r["rss_kib"] / 1024, 1),
            fmt(r.get("rss_per_call_kib"), 0), setup, cpu, fmt(r.get("machine_busy_pct"), 0)]) + " |")
    return "\n".join(out)


def best_carried(rows):
    ok = [r for r in rows if carried(r)]
    return max(ok, key=lambda r: _num(r.get("forwarded_pps"))) if ok else None


def evaluate_targets(series_map, ceiling, args, drop_rows=()):
    """[(target, figure, status)] for the issue's targets."""
    t = []
    janus = {r["calls"]: r for r in series_map.get(("janus", ""), [])}
    sb = [(w, series_map[("switchboard", w)]) for w in args.worker_list if ("switchboard", w) in series_map]
    # 1. CPU per packet at most half of Janus's at 50 and 100 calls
    figs, ok, missing = [], True, False
    for w, rows in sb:
        by = {r["calls"]: r for r in rows}
        for c in (50, 100):
            a, j = by.get(c, {}).get("cpu_s_per_mpkt"), janus.get(c, {}).get("cpu_s_per_mpkt")
            if a is None or j is None:
                missing = True
                figs.append(f"{w}w@{c}: not measured")
                continue
            ratio = a / j
            ok &= ratio <= TARGET_CPU_RATIO
            figs.append(f"{w}w@{c}: {ratio:.2f}x")
    # the loss-recovery steps, against Janus's step with the same loss
    jdrop = {(r["calls"], r.get("drop_recv")): r for r in drop_rows if r["server"] == "janus"}
    for r in drop_rows:
        if r["server"] != "switchboard":
            continue
        j = jdrop.get((r["calls"], r.get("drop_recv")), {})
        a, jc = r.get("cpu_s_per_mpkt"), j.get("cpu_s_per_mpkt")
        if a is None or jc is None:
            continue
        ratio = a / jc
        ok &= ratio <= TARGET_CPU_RATIO
        figs.append(f"{r['workers']}w@{r['calls']} with {100 * r['drop_recv']:g}% receive loss: {ratio:.2f}x")
    measured = [f for f in figs if not f.endswith("not measured")]
    status = ("not measured" if not measured else "missed" if not ok else
              "met where measured" if missing else "met")
    t.append((f"CPU per forwarded packet <= {TARGET_CPU_RATIO}x Janus's at 50 and 100 calls "
              "(NACK/RTX, upstream NACKs and transport-cc feedback on)", "; ".join(figs), status))
    # 2. throughput per core at least half the ceiling
    ceil = reference_ceiling(ceiling)
    figs, ok = [], bool(ceil)
    for w, rows in sb:
        b = max((r for r in rows if carried(r) and r.get("pps_per_core")), key=lambda r: r["pps_per_core"],
                default=None)
        if not b or not ceil:
            ok = False
            figs.append(f"{w}w: not measured")
            continue
        frac = b["pps_per_core"] / ceil
        ok &= frac >= TARGET_CEILING_FRACTION
        single = ceiling_pps(ceiling)
        also = (f"; {100 * b['pps_per_core'] / single:.0f}% of the one-packet-per-call ceiling"
                if single and single != ceil else "")
        many, peers, _ = sessions_ceiling(ceiling)
        if many:
            also += f"; {100 * b['pps_per_core'] / many:.0f}% of the ceiling with {peers} peers' sessions"
        figs.append(f"{w}w: {b['pps_per_core']:,.0f} pkt/s per core = {100 * frac:.0f}%{also} "
                    f"(at {b['calls']} calls)")
    many, peers, _ = sessions_ceiling(ceiling)
    t.append((f"throughput per core >= {100 * TARGET_CEILING_FRACTION:.0f}% of the ceiling "
              f"(GCM, batches of 32 datagrams per system call: {fmt(ceil, 0)} pkt/s; one packet per "
              f"call: {fmt(ceiling_pps(ceiling), 0)} pkt/s"
              + (f"; for comparison only, batches with {peers} peers' sessions: {fmt(many, 0)} pkt/s"
                 if many else "") + ")", "; ".join(figs),
              "met" if ok else ("not measured" if not ceil else "missed")))
    # 3. no loss or corruption where Janus has none
    bad, compared = [], 0
    for c, j in janus.items():
        if "error" in j or j.get("lost") != 0 or j.get("corrupt") != 0:
            continue
        for w, rows in sb:
            r = {x["calls"]: x for x in rows}.get(c)
            if not r:
                continue
            compared += 1
            if "error" in r or r.get("lost") != 0 or r.get("corrupt") != 0:
                bad.append(f"{w}w@{c}: lost {r.get('lost')}, corrupt {r.get('corrupt')}")
    t.append(("no loss or corruption at any step where Janus has none",
              "; ".join(bad) if bad else f"{compared} step(s) compared, none lost or corrupted",
              "not measured" if not compared else ("missed" if bad else "met")))
    # 4. RSS per call
    figs, ok, any_ = [], True, False
    for w, rows in sb:
        vals = [(r["rss_per_call_kib"], r["calls"]) for r in rows if r.get("rss_per_call_kib") is not None
                and r["calls"] >= 10]
        if not vals:
            continue
        any_ = True
        worst = max(vals)
        ok &= worst[0] <= TARGET_RSS_PER_CALL_KIB
        fig = f"{w}w: at most {worst[0]:.0f} KiB (at {worst[1]} calls)"
        # what one more call costs, between the two largest steps: start-up allocations cancel out
        big = sorted((r for r in rows if r.get("rss_kib") is not None and "error" not in r),
                     key=lambda r: r["calls"])[-2:]
        if len(big) == 2 and big[1]["calls"] > big[0]["calls"]:
            slope = (big[1]["rss_kib"] - big[0]["rss_kib"]) / (big[1]["calls"] - big[0]["calls"])
            fig += f", {slope:.0f} KiB per added call between {big[0]['calls']} and {big[1]['calls']}"
        figs.append(fig)
    t.append((f"RSS per call <= {TARGET_RSS_PER_CALL_KIB} KiB beyond idle (steps of 10+ calls)", "; ".join(figs),
              "met" if any_ and ok else ("not measured" if not any_ else "missed")))
    # 5. worker scaling: the most each carried; it means something only if one
    # worker ran out of its core (not the machine out of CPU) first
    name = f"2 workers carry >= {TARGET_WORKER_SCALING}x the packets of 1"
    s1 = series_map.get(("switchboard", 1))
    s2 = series_map.get(("switchboard", 2))
    if s1 and s2:
        b1, b2 = best_carried(s1), best_carried(s2)
        if b1 and b2:
            ratio = _num(b2.get("forwarded_pps")) / _num(b1.get("forwarded_pps"), 1) or 0
            fig = f"{fmt(b2['forwarded_pps'], 0)} vs {fmt(b1['forwarded_pps'], 0)} pkt/s = {ratio:.2f}x"
            limit = next((r for r in s1 if not carried(r)), None)
            if ratio >= TARGET_WORKER_SCALING:
                status = "met"
            elif limit is None:
                status = "inconclusive"
                fig += " (1 worker never ran short: raise --max-calls)"
            elif _num(limit.get("server_cpu_pct"), 100) < 90 and _num(limit.get("machine_busy_pct")) >= 95:
                status = "inconclusive"
                fig += (f" (where 1 worker stopped carrying, at {limit['calls']} calls, the server used "
                        f"{fmt(limit.get('server_cpu_pct'), 0)}% of a core but the machine was "
                        f"{fmt(limit.get('machine_busy_pct'), 0)}% busy: the generator shares its CPUs)")
            else:
                status = "missed"
            t.append((name, fig, status))
        else:
            t.append((name, "no step carried", "missed"))
    else:
        t.append((name, "run with --workers 1,2", "not measured"))
    # 6. loss recovery: what the generator dropped comes back
    sbd = [r for r in drop_rows if r["server"] == "switchboard"]
    if sbd:
        figs, ok = [], True
        for r in sbd:
            if "error" in r:
                ok = False
                figs.append(f"{r['workers']}w@{r['calls']}: error")
                continue
            good = (_num(r.get("dropped")) > 0 and _num(r.get("recovered_pct")) >= TARGET_RECOVERED_PCT
                    and not r.get("corrupt"))
            ok &= good
            figs.append(f"{r['workers']}w@{r['calls']}: {r.get('retransmissions')} retransmissions served "
                        f"({r.get('rtx_packets')} as RTX), {r.get('recovered')} of {r.get('dropped')} drops "
                        f"recovered ({fmt(r.get('recovered_pct'), 1)}%), corrupt {r.get('corrupt')}")
        share = 100 * sbd[0]["drop_recv"]
        t.append((f"with {share:g}% of the received video dropped and NACKed, retransmissions recover >= "
                  f"{TARGET_RECOVERED_PCT:g}% of it, nothing corrupted", "; ".join(figs),
                  "met" if ok else "missed"))
    return t


def drop_table(drop_rows, series_map):
    """The loss-recovery steps next to the same steps without loss."""
    head = ["server", "calls", "CPU-s / M pkt", "without loss", "CPU per packet vs without loss",
            "vs Janus (same loss)", "fwd pkt/s", "dropped", "NACKed seqs (messages)",
            "retransmissions served (RTX)", "per s", "recovered", "residual loss %", "given up / PLIs",
            "server's NACKs to the generator (answered)", "corrupt", "latency p50 / p99 ms", "server CPU %",
            "machine busy %"]
    out = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    jdrop = {(r["calls"], r.get("drop_recv")): r for r in drop_rows if r["server"] == "janus"}
    for r in drop_rows:
        label = series_label(r["server"], r["workers"])
        if "error" in r:
            out.append(f"| {label} | {r['calls']} | error: {r['error'].strip().splitlines()[0][:120]} |"
                       + " |" * (len(head) - 3))
            continue
        key = (r["server"], r["workers"] if r["server"] == "switchboard" else "")
        base = {x["calls"]: x for x in series_map.get(key, [])}.get(r["calls"], {})
        a, b = r.get("cpu_s_per_mpkt"), base.get("cpu_s_per_mpkt")
        over = f"{100 * (a / b - 1):+.0f}%" if a and b else "–"
        j = jdrop.get((r["calls"], r.get("drop_recv")), {}).get("cpu_s_per_mpkt")
        vs = f"{a / j:.2f}x" if a and j and r["server"] != "janus" else "–"
        lat = (f"{fmt(_num(r.get('latency_p50_us')) / 1000, 2)} / {fmt(_num(r.get('latency_p99_us')) / 1000, 2)}"
               if r.get("latency_p50_us") is not None else "–")
        out.append("| " + " | ".join([
            label, str(r["calls"]), fmt(a, 1), fmt(b, 1), over, vs, fmt(r.get("forwarded_pps"), 0),
            fmt(r.get("dropped"), 0), f"{fmt(r.get('nacked_seqs'), 0)} ({fmt(r.get('nack_packets'), 0)})",
            f"{fmt(r.get('retransmissions'), 0)} ({fmt(r.get('rtx_packets'), 0)})",
            fmt(r.get("retransmissions_per_s"), 0),
            f"{fmt(r.get('recovered'), 0)} ({fmt(r.get('recovered_pct'), 1)}%)", fmt(r.get("loss_pct"), 3),
            f"{fmt(r.get('given_up'), 0)} / {fmt(r.get('plis_sent'), 0)}",
            f"{fmt(r.get('nack_in_seqs'), 0)} ({fmt(r.get('resent'), 0)})", str(r.get("corrupt")), lat,
            fmt(r.get("server_cpu_pct"), 0), fmt(r.get("machine_busy_pct"), 0)]) + " |")
    return "\n".join(out)


def write_markdown(path, info, series, series_map, ceiling, instructions, targets, args, png_note, started,
                   drop_rows=()):
    L = []
    L.append("# Benchmarks: Switchboard's worker scaling, with a CPU budget per worker\n"
             if getattr(args, "scaling", False) else
             "# Benchmarks: Switchboard and Janus carrying the same load\n")
    L.append(f"Written by `make bench` (`tests/bench/run_bench.py`) on {started} UTC; "
             "rerun it rather than editing this file: `scripts/bench.sh` installs what it needs, builds "
             "an optimised tree in build/release and runs it (as root, on Debian 12). "
             "Raw figures: [benchmarks.csv](benchmarks.csv).\n")
    L.append("## Machine\n")
    L.append(f"- CPU: {info.get('cpu')}, {info.get('vcpus')} vCPU at {info.get('mhz')} MHz "
             f"(flags: {info.get('cpu_flags') or 'none of note'}); memory {info.get('memory')}")
    L.append(f"- {info.get('kernel')}, Debian {info.get('debian')}")
    L.append(f"- {info.get('switchboard')} (commit {info.get('commit')}), CFLAGS `{info.get('cflags')}`"
             + (" — **built with sanitizers: figures are not representative**" if info.get("san") else ""))
    L.append(f"- Janus {info.get('janus')} (Debian), libsrtp2 {info.get('libsrtp2')}, "
             f"libnice {info.get('libnice')}, OpenSSL {info.get('openssl')}")
    L.append(f"- Load average at start / end: {info.get('loadavg_start')} / {info.get('loadavg_end')} "
             "(other work on the machine moves packets/s and latency; CPU per packet much less, "
             "instructions per packet not at all)")
    L.append("")
    L.append("## Method\n")
    L.append(f"Everything runs in a network namespace the script creates: a veth pair with {ADDR}/24 on `va` "
             "(Janus gathers no candidates on loopback interfaces); packets to that address travel over `lo`. "
             "Each step starts the server afresh, `tests/bench/sb-loadgen` opens the calls "
             f"(1:1 calls, two peer connections each; per peer 50 audio packets/s of ~100 bytes and "
             f"1 Mbit/s of video in ~1,100-byte packets) and sends media for {args.duration} s once all are up. "
             "The server's CPU (utime + stime from `/proc/PID/stat`, every thread) and RSS are read when the "
             "generator starts and ends that window. Loss, corruption, latency and set-up times are the "
             "generator's (each packet carries a counter, a checksum and its send time; the receive time is the "
             "kernel's timestamp of the datagram, so the generator's own scheduling is not counted). The "
             "generator has its own ICE client (no libnice) and reads its sockets in batches, pausing 1 ms "
             "between reads when busy, as Switchboard's workers do. It negotiates what Chrome offers (VP8 with "
             "nack, nack pli, ccm fir, goog-remb, transport-cc and RTX; Opus with transport-cc), stamps "
             "transport-wide sequence numbers and reports like Chrome (per track, report blocks in receiver "
             "reports), so both servers keep retransmission histories (Janus sizes its own from the round-trip "
             "time these reports give it) and Switchboard sends transport-cc feedback and NACKs publishers "
             "itself; outside the loss-recovery steps the generator drops nothing and NACKs nothing. Switchboard: "
             f"`--media-address {ADDR} --workers N`, duo rooms"
             + (f", [media] {', '.join(args.sb_media)}" if args.sb_media else "")
             + (f", **a CPU budget of {args.cpu_per_worker} core per media worker** (cgroup CPU quota, "
                f"{CGROUP_PERIOD_US // 1000} ms period; all the server's threads share it)"
                if args.cpu_per_worker else "")
             + ". Janus: VideoCall plugin over WebSockets, "
             f"`interface` and `ice_enforce_list` {ADDR}, debug level 4. Steps: {args.steps} calls (each run "
             "unless most calls of the previous step failed), then "
             f"+{args.increment} while loss stays under {LOSS_LIMIT:.0f}% (cap {args.max_calls} calls). "
             "The generator shares the machine's CPUs with the server.\n")
    L.append("CPU-s / M pkt: server CPU-seconds per million forwarded packets (lower is better). pkts/s per "
             "core: forwarded packets per server CPU-second. load %: packets forwarded against what the "
             "calls should carry (per peer, the best rate of the steps of 10 calls or fewer); under "
             f"{LOAD_MIN_PCT:.0f}% the generator could not send its load and the step does not count as "
             "carried, whatever its loss. RSS/call: (RSS in the window - RSS idle) / calls, where RSS idle is "
             "read after one warm-up call has come and gone (so the first call's one-time costs, such as "
             "OpenSSL's algorithm caches, count as idle, for both servers). server CPU %: of "
             "one core, with the kernel's share (stime) in brackets. machine busy %: all CPUs, everything on "
             "the machine (generator included); near 100 the figures above it say more about the machine "
             "than about the server.\n")
    L.append("## Targets\n")
    L.append("| target | measured | status |")
    L.append("|---|---|---|")
    for name, figure, status in targets:
        L.append(f"| {name} | {figure} | **{status}** |")
    L.append("")
    L.append("## Results\n")
    L.append("![CPU per forwarded packet and loss against calls](benchmarks.png)\n")
    if png_note:
        L.append(f"(chart not drawn: {png_note})\n")
    for label, rows in series:
        L.append(f"### {label}\n")
        profiles = sorted({json.dumps(r["srtp_profile"]) if not isinstance(r["srtp_profile"], str)
                           else r["srtp_profile"] for r in rows if r.get("srtp_profile")})
        if profiles:
            L.append(f"SRTP profile negotiated: {', '.join(profiles)}\n")
        L.append(md_table(rows))
        L.append("")
    if drop_rows or not getattr(args, "scaling", False):
        L.append("## Loss recovery\n")
    if drop_rows:
        share = 100 * drop_rows[0]["drop_recv"]
        L.append(f"One more step per server, as the ones above but with `sb-loadgen --drop-recv "
                 f"{drop_rows[0]['drop_recv']:g}`: every peer drops {share:g}% of the new video packets it "
                 "receives before decrypting them (a PRNG seeded per peer, so every run drops the same "
                 "choices; audio, which browsers do not NACK, is never dropped) and recovers them like a "
                 "browser: the missing sequence numbers go back in an SRTCP-protected generic NACK at once "
                 "and every max(RTT, 10 ms) until they arrive, at most 10 times or for 1 s, then a PLI. Both "
                 "sides negotiate what Chrome offers (nack, nack pli, ccm fir, goog-remb, transport-cc; RTX "
                 "with apt for VP8), so a server that keeps a retransmission history answers from it, in RTX "
                 "form when it negotiated RTX. Retransmissions served: the retransmitted packets that reached "
                 "the generator (plain or RTX, unwrapped and checked like any packet); recovered: the dropped "
                 "packets they brought back; residual loss: what stayed missing. The generator answers the "
                 "server's own NACKs on the video it publishes too (built again, in RTX form when negotiated). "
                 "CPU-s / M pkt divides the "
                 "server's CPU by the media packets delivered (each counted once, recovered ones included), "
                 "so the cost of the NACKs and retransmissions is in it; \"without loss\" is the same server "
                 "and call count in the tables above.\n")
        L.append(drop_table(drop_rows, series_map))
        L.append("")
    elif not getattr(args, "scaling", False):
        L.append("Not measured (--drop-calls 0).\n")
    L.append("## Ceiling\n")
    if ceiling and "error" not in ceiling:
        L.append("`tests/bench/ceiling`: one thread doing only the work no SRTP forwarder avoids — receive, "
                 "`srtp_unprotect`, `srtp_protect`, send — on packets of the same mix (Switchboard's own "
                 "SRTP, `server/srtp.c`), fed by a second thread on another core that fills its socket before each turn, "
                 f"so it never waits while measured; packets per CPU-second of that thread, over {ADDR}, best of "
                 f"{ceiling.get('repeat', 1)} runs.\n")
        L.append("| profile | system calls | pkts/s per core | us per packet | Mbit/s per core |")
        L.append("|---|---|---:|---:|---:|")
        for c in ceiling.get("ceiling", []):
            mode = "one packet each" if c["mode"] == "single" else f"recvmmsg/sendmmsg of {c['batch']}"
            L.append(f"| {c['profile']} | {mode} | {c['pps_per_core']:,.0f} | {c['us_per_packet']:.2f} | "
                     f"{c['mbps_per_core']:.0f} |")
        many, peers, mc = sessions_ceiling(ceiling)
        if mc:
            L.append(f"| {mc['profile']} | recvmmsg/sendmmsg of {mc['batch']}, {peers} peers' sessions | "
                     f"{mc['pps_per_core']:,.0f} | {mc['us_per_packet']:.2f} | {mc['mbps_per_core']:.0f} |")
        L.append("")
        if mc:
            L.append(f"The rows above use one SRTP session pair for every packet, whose state stays in the "
                     f"core's caches. The last row gives each of {peers} simulated peers ({peers // 2} calls; "
                     f"two per call of the largest step Switchboard carried, or {CEILING_PEERS_DEFAULT} when "
                     "it carried none) "
                     "sessions of its own: each packet is unprotected with its sender's and protected with "
                     "its call partner's, sent to the partner's socket, as in a server whose SRTP state is "
                     "spread over that many peers; the feeder protects the packets on the fly, in order per "
                     "peer (`ceiling --sessions`). It shows what those cache misses cost; the target still "
                     "uses the one-session batched ceiling.\n")
        elif (ceiling.get("many_sessions") or {}).get("error"):
            L.append(f"Ceiling with one session pair per peer not measured: {ceiling['many_sessions']['error']}\n")
        L.append("Switchboard's figure (pkts/s per core above) is reported against the AEAD_AES_128_GCM "
                 "ceiling with recvmmsg/sendmmsg batches: the profile Switchboard negotiates first, and the "
                 "way its worker sockets read and write. (Switchboard also sends a video frame's equal-size "
                 "packets to one receiver as one UDP GSO message; the ceiling, whose packets go round-robin "
                 "to its destinations, has no such runs and sends every datagram on its own.) Both use the same SRTP code (`server/srtp.c`: "
                 "Switchboard's own SRTP on OpenSSL's AES-GCM, `server/srtp_own.c`); Janus uses Debian's "
                 "libsrtp2 as it is (NSS).\n")
        for label, rows in series:
            b = max((r for r in rows if carried(r) and r.get("ceiling_fraction")),
                    key=lambda r: r["ceiling_fraction"], default=None)
            if b and label.startswith("Switchboard"):
                L.append(f"- {label}: {100 * b['ceiling_fraction']:.0f}% of the ceiling at {b['calls']} calls "
                         f"({fmt(b['pps_per_core'], 0)} pkt/s per core)"
                         + (f"; {100 * b['ceiling_fraction_sessions']:.0f}% of the ceiling with {peers} "
                            "peers' sessions" if mc and b.get("ceiling_fraction_sessions") else ""))
        L.append("")
    else:
        L.append(f"Not measured: {(ceiling or {}).get('error', 'skipped')}\n")
    L.append("## Worker scaling\n")
    L.append("| media workers | most packets/s carried (loss < 1%) | at calls | server CPU % |")
    L.append("|---:|---:|---:|---:|")
    for w in args.worker_list:
        rows = series_map.get(("switchboard", w))
        b = best_carried(rows or [])
        L.append(f"| {w} | {fmt(b and b.get('forwarded_pps'), 0)} | {b['calls'] if b else '–'} | "
                 f"{fmt(b and b.get('server_cpu_pct'), 0)} |")
    L.append("")
    if args.cpu_per_worker:
        L.append(f"Every media worker had a budget of {args.cpu_per_worker} of a core (the server's threads "
                 "share a cgroup CPU quota of that many cores per worker), so each series stops where its "
                 "workers run out of CPU rather than where the generator starves the machine.\n")
    else:
        L.append(f"On {info.get('vcpus')} vCPUs the generator competes with the server for the same cores, so a "
                 "second worker can only use what the generator leaves. `scripts/bench.sh` therefore also "
                 "measures scaling with the same CPU budget per worker (a cgroup quota) so that the workers, "
                 "not the machine, are the limit: [scaling/benchmarks.md](scaling/benchmarks.md).\n")
    L.append("## Instructions per forwarded packet\n")
    if instructions:
        L.append("Counted, not timed, so load on the machine cannot move it: "
                 + ("`perf stat -e instructions` on the server process" if instructions[0].get("method") == "perf"
                    else "valgrind `--tool=callgrind` on the server (one worker), counters zeroed when the "
                         "generator's window starts and dumped when it ends")
                 + f"; {args.ins_calls} calls for {args.ins_seconds} s, minus the instructions of an idle server "
                 "over the same time, divided by the packets forwarded."
                 + (" Callgrind counts user-space instructions only: the kernel's share (UDP send and receive) "
                    "is not in these figures, for the servers or for the ceiling (whose measured thread is "
                    "counted alone)." if instructions[0].get("method") == "callgrind" else "") + "\n")
        L.append("| server | instructions per packet | gross (idle not subtracted) | packets | calls up |")
        L.append("|---|---:|---:|---:|---:|")
        for i in instructions:
            name = {"switchboard": "Switchboard", "janus": "Janus"}.get(
                i["server"], "ceiling (recv, unprotect, protect, send; GCM)")
            if i.get("drop_recv"):
                name += (f", {100 * i['drop_recv']:g}% of the received video dropped and NACKed"
                         + (f" ({i.get('retransmissions')} retransmissions served)"
                            if i.get("retransmissions") is not None else ""))
            if "error" in i:
                L.append(f"| {name} | not measured: {i['error'].strip().splitlines()[0][:150]} | | | |")
            else:
                L.append(f"| {name} | {i['instructions_per_packet']:,} | {i['instructions_per_packet_gross']:,} | "
                         f"{i['forwarded_packets']:,} | {i.get('calls_up', '–')} |")
        L.append("")
    else:
        L.append("Not measured (--no-instructions).\n")
    L.append("## Rerun\n")
    L.append("    ./configure && make -j2 && make bench            # in a release build folder")
    L.append("    /usr/bin/python3 tests/bench/run_bench.py --build build/release --max-calls 300 --workers 1,2\n")
    with open(path, "w") as f:
        f.write("\n".join(L))


# -------------------------------------------------------------------- smoke

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what, detail=""):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {what}", flush=True)
        if not cond:
            self.failed += 1
            for line in str(detail).splitlines()[-25:]:
                print(f"# {line}", flush=True)
        return cond

    def skip(self, what, why):
        self.n += 1
        print(f"ok {self.n} - {what} # SKIP {why}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)
        return 1 if self.failed else 0


def smoke(args, tmp):
    tap = Tap()
    err = setup_links()
    if not tap.ok(err is None, f"namespace with {ADDR} on a veth", err or ""):
        return tap.done()
    calls = 2
    rows = []
    for kind in args.server_list:
        # Info: the worker socket's closing line says how much went out in
        # UDP GSO messages.
        server = make_server(kind, args, tmp, f"smoke-{kind}", args.worker_list[0], log_level="info")
        started = server.start()
        if not tap.ok(started, f"{kind} starts and listens on its WebSocket port", server.log_tail()):
            server.stop(signal.SIGKILL)
            continue
        time.sleep(0.3)
        rss_idle = server.rss_kib()
        # 2% of the received video dropped and NACKed: the server's answers
        # are checked like every other packet (RTX unwrapped).
        lg = LoadgenRun(args.loadgen, kind, server.url, calls, args.duration, tmp, f"smoke-{kind}",
                        threads=args.threads, server=server, extra=drop_args(SMOKE_DROP))
        res = lg.run(loadgen_timeout(calls, args.duration)) or {}
        server.stop()
        detail = (f"sb-loadgen exit {lg.rc}, first failure: {res.get('first_failure')}\n{lg.log_tail()}"
                  f"--- {kind} log ---\n{server.log_tail()}")
        tap.ok(res.get("calls_up") == calls and not res.get("calls_failed"),
               f"{kind}: {res.get('calls_up')}/{calls} calls up", detail)
        tap.ok(_num(res.get("received_packets")) > 0, f"{kind}: media forwarded "
               f"({res.get('received_packets')} packets received)", detail)
        tap.ok(res.get("corrupt") == 0, f"{kind}: no corrupt packets ({res.get('corrupt')})", detail)
        tap.ok(bool(lg.samples.get("start")) and bool(lg.samples.get("end")),
               f"{kind}: WINDOW START and END seen, server sampled", detail)
        tap.ok(server.stopped_cleanly, f"{kind} stops cleanly (exit {server.exit_code})", server.log_tail())
        rec = res.get("recovery") or {}
        said = (f"dropped {rec.get('dropped')}, NACKed {rec.get('nacked_seqs')} seqs, retransmissions "
                f"{rec.get('retransmissions')} (RTX {rec.get('rtx_packets')}, unneeded {rec.get('rtx_unneeded')}), "
                f"recovered {rec.get('recovered')}, given up {rec.get('given_up')}, PLIs {rec.get('plis_sent')}, "
                f"server's NACKs on our video {rec.get('nack_in_seqs')} (resent {rec.get('resent')}), "
                f"transport-cc feedback {rec.get('twcc_feedback_in')}")
        if kind == "switchboard":
            gso = gso_packets(server.log_path)
            tap.ok(gso is not None and gso > 0, f"{kind}: video frames leave in UDP GSO messages "
                   f"({gso} datagrams)", server.log_tail())
            # drops in the window's last milliseconds are NACKed and recovered after it closes
            dropped, got = _num(rec.get("dropped")), _num(rec.get("recovered"))
            tap.ok(dropped > 0 and _num(rec.get("nacked_seqs")) >= 0.8 * dropped,
                   f"{kind}: sb-loadgen dropped {100 * SMOKE_DROP:g}% of its video and NACKed it ({said})", detail)
            tap.ok(_num(rec.get("retransmissions")) > 0 and rec.get("rtx_packets") == rec.get("retransmissions"),
                   f"{kind}: NACKs are answered with retransmissions, in RTX form", detail)
            tap.ok(dropped > 0 and got >= 0.8 * dropped,
                   f"{kind}: retransmissions recover the drops ({fmt(got, 0)} of {fmt(dropped, 0)})", detail)
            tap.ok(_num(rec.get("twcc_feedback_in")) > 0, f"{kind}: sends transport-cc feedback", detail)
        else:
            print(f"# {kind} with {100 * SMOKE_DROP:g}% of the received video dropped: {said}", flush=True)
        if not res.get("calls_up"):
            print(f"# {kind}: no call came up; sb-loadgen said: {res.get('first_failure')}", flush=True)
        if res:
            row = dict({"server": kind, "workers": args.worker_list[0] if kind == "switchboard" else "",
                        "calls": calls, "rss_idle_kib": rss_idle}, **figures(res, lg.samples, calls))
            # for the report writers below: the run as a plain step and as a loss-recovery step
            rows += [row, dict(row, drop_recv=SMOKE_DROP)]
    ceil = run_ceiling(args, seconds=0.3, extra=["--warmup", "0.1", "--profiles", "gcm"])
    if "error" in ceil and "not built" in ceil["error"]:
        tap.skip("ceiling runs", ceil["error"])
    else:
        runs = ceil.get("ceiling", [])
        tap.ok(bool(runs) and all(c["packets"] > 0 and c["failures"] == 0 for c in runs) and ceil.get("exit") == 0,
               "ceiling forwards packets without SRTP failures", json.dumps(ceil)[:1500])
        if "error" not in ceil:
            many = run_ceiling_sessions(args, CEILING_PEERS_DEFAULT, 0.3, extra=["--warmup", "0.1"])
            ceil["many_sessions"] = many
            runs = many.get("ceiling", [])
            tap.ok(bool(runs) and all(c["packets"] > 0 and c["failures"] == 0 for c in runs)
                   and many.get("exit") == 0,
                   f"ceiling with {CEILING_PEERS_DEFAULT} peers' sessions forwards packets without SRTP failures",
                   json.dumps(many)[:1500])
    # the report writers, so they cannot rot either (into a scratch folder)
    out = os.path.join(tmp, "report")
    os.makedirs(out, exist_ok=True)
    try:
        write_reports(args, out, rows, ceil if "error" not in ceil else None, [], tmp,
                      datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))
        tap.ok(os.path.getsize(os.path.join(out, "benchmarks.md")) > 0 and
               os.path.getsize(os.path.join(out, "benchmarks.csv")) > 0, "report: Markdown and CSV written")
        if rows:
            with open(os.path.join(out, "benchmarks.md")) as f:
                md = f.read()
            section = md.split("## Loss recovery", 1)[-1].split("\n## ", 1)[0]
            tap.ok("retransmissions served (RTX)" in section and "| Switchboard" in section or
                   "switchboard" not in args.server_list, "report: loss-recovery table written", section[-1500:])
        if not any(r.get("cpu_s_per_mpkt") for r in rows):
            tap.skip("report: chart drawn by gnuplot", "no CPU figure in so short a run")
        elif shutil.which("gnuplot"):
            tap.ok(os.path.exists(os.path.join(out, "benchmarks.png")), "report: chart drawn by gnuplot")
        else:
            tap.skip("report: chart drawn by gnuplot", "gnuplot not installed")
    except Exception as e:  # a report bug must fail the test, not crash it
        tap.ok(False, "report written", repr(e))
    return tap.done()


# --------------------------------------------------------------------- main

def write_reports(args, out, rows, ceiling, instructions, tmp, started):
    info = machine_info(args)
    info["loadavg_end"] = loadavg()
    cp = reference_ceiling(ceiling)
    cp_sessions = sessions_ceiling(ceiling)[0]
    nominal = nominal_pps_per_peer([r for r in rows if not r.get("drop_recv")])
    series, series_map, drop_rows = [], {}, []
    for r in rows:
        finish_row(r, cp, cp_sessions)
        set_load_pct(r, nominal)
        if r.get("drop_recv"):
            drop_rows.append(r)  # the loss-recovery steps: a section of their own
            continue
        key = (r["server"], r["workers"] if r["server"] == "switchboard" else "")
        if key not in series_map:
            series_map[key] = []
            series.append((series_label(r["server"], key[1]), series_map[key]))
        series_map[key].append(r)
    os.makedirs(out, exist_ok=True)
    write_csv(os.path.join(out, "benchmarks.csv"), rows)
    png_note = write_png(os.path.join(out, "benchmarks.png"), series, tmp, f"{info.get('vcpus')} vCPU "
                         f"{info.get('cpu')}")
    targets = evaluate_targets(series_map, ceiling, args, drop_rows)
    write_markdown(os.path.join(out, "benchmarks.md"), info, series, series_map, ceiling, instructions, targets,
                   args, png_note, started, drop_rows)
    return targets


def parse_args(argv):
    p = argparse.ArgumentParser(description="Switchboard and Janus under the same load (issue 5).")
    p.add_argument("--build", default=os.path.join(SRCDIR, "build", "release"),
                   help="Switchboard build folder (default: build/release)")
    p.add_argument("--out", default=os.path.join(SRCDIR, "docs"), help="folder for benchmarks.{md,csv,png}")
    p.add_argument("--smoke", action="store_true", help="2 calls, a few seconds, both servers, TAP output")
    p.add_argument("--steps", default="1,10,50,100,200", help="calls per step (default 1,10,50,100,200)")
    p.add_argument("--increment", type=int, default=100, help="calls added per step after --steps (100)")
    p.add_argument("--max-calls", type=int, default=1000, help="largest step (1000)")
    p.add_argument("--workers", default="1,2", help="Switchboard media workers, one series each (1,2)")
    p.add_argument("--cpu-per-worker", type=float, default=None, metavar="CORES",
                   help="give Switchboard a CPU budget of CORES per media worker (cgroup quota), so that "
                        "worker scaling can be measured on a machine whose cores the generator shares")
    p.add_argument("--sb-media", action="append", default=[], metavar="KEY=VALUE",
                   help="extra [media] setting for Switchboard, e.g. batch_wait_us=0 (repeatable)")
    p.add_argument("--servers", default="switchboard,janus", help="which servers (switchboard,janus)")
    p.add_argument("--duration", type=float, default=None, help="seconds of media per step (10; smoke 3)")
    p.add_argument("--threads", type=int, default=2, help="sb-loadgen threads (2)")
    p.add_argument("--drop-recv", type=float, default=0.02, metavar="SHARE",
                   help="loss-recovery step: share of the received video sb-loadgen drops and NACKs (0.02)")
    p.add_argument("--drop-calls", type=int, default=100,
                   help="calls of the loss-recovery step, run once per server series (100; 0: none)")
    p.add_argument("--janus", default="janus", help="Janus binary (janus on PATH)")
    p.add_argument("--loadgen", default=None, help="sb-loadgen binary (BUILD/tests/bench/sb-loadgen)")
    p.add_argument("--ceiling-seconds", type=float, default=2.0, help="seconds per ceiling run (2)")
    p.add_argument("--ceiling-repeat", type=int, default=3, help="ceiling runs per case, best kept (3)")
    p.add_argument("--no-ceiling", action="store_true")
    p.add_argument("--no-instructions", action="store_true")
    p.add_argument("--ins-calls", type=int, default=5, help="calls while counting instructions (5)")
    p.add_argument("--ins-seconds", type=float, default=5.0, help="seconds counted (5)")
    p.add_argument("--ins-servers", default="switchboard,janus", help="servers to count instructions of")
    p.add_argument("--keep", action="store_true", help="keep the scratch folder (logs, configs)")
    p.add_argument("--report-from", metavar="JSON",
                   help="only rewrite the reports from a results.json an earlier run left in its scratch folder")
    p.add_argument("--scaling", action="store_true",
                   help="worker scaling only: Switchboard with 1 and 2 workers, each with a CPU budget of "
                        f"{SCALING_CPU_PER_WORKER} core (unless --cpu-per-worker), calls in steps of 20")
    args = p.parse_args(argv)
    if args.scaling:
        args.servers, args.workers = "switchboard", "1,2"
        args.cpu_per_worker = args.cpu_per_worker or SCALING_CPU_PER_WORKER
        args.steps, args.increment = SCALING_STEPS, 20
        args.max_calls = 400 if args.max_calls == 1000 else args.max_calls
        args.no_ceiling = args.no_instructions = True
        args.drop_calls = 0
    args.build = os.path.abspath(args.build)
    args.out = os.path.abspath(args.out)
    args.loadgen = os.path.abspath(args.loadgen or os.path.join(args.build, "tests", "bench", "sb-loadgen"))
    args.worker_list = [int(x) for x in args.workers.split(",") if x.strip()]
    args.server_list = [x.strip() for x in args.servers.split(",") if x.strip()]
    if args.duration is None:
        args.duration = 3.0 if args.smoke else 10.0
    return args


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def main(argv):
    args = parse_args(argv)
    args.loadavg_start = loadavg()
    if args.report_from:
        with open(args.report_from) as f:
            saved = json.load(f)
        args.loadavg_start = saved.get("loadavg_start", "?")
        tmp = tempfile.mkdtemp(prefix="sb-bench-report-")
        try:
            for name, figure, status in write_reports(args, args.out, saved["rows"], saved.get("ceiling"),
                                                      saved.get("instructions", []), tmp, saved["started"]):
                log(f"target: {name}: {figure} -> {status}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return 0
    missing = [b for b in (os.path.join(args.build, "switchboard"), args.loadgen) if not os.access(b, os.X_OK)]
    if "janus" in args.server_list and not shutil.which(args.janus):
        missing.append(args.janus)
    if missing:
        msg = "missing: " + ", ".join(missing)
        if args.smoke:
            print(f"1..0 # SKIP {msg}")
            return 0
        log(msg + " (build with `make`, install Janus with scripts/setup.sh --bench)")
        return 2
    if not enter_netns(argv):
        if args.smoke:
            print("1..0 # SKIP cannot create a network namespace (unshare -n)")
            return 0
        log("cannot create a network namespace (unshare -n / unshare -rn)")
        return 2
    tmp = tempfile.mkdtemp(prefix="sb-bench-")
    keep = args.keep
    try:
        if args.smoke:
            rc = smoke(args, tmp)
            keep = keep or rc != 0
            return rc
        started = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
        err = setup_links()
        if err:
            log(f"network set-up failed: {err}")
            return 2
        if is_sanitized(os.path.join(args.build, "switchboard")):
            log("warning: this switchboard is built with sanitizers; use a release build for figures")
        rows = []
        for kind in args.server_list:
            for w in (args.worker_list if kind == "switchboard" else [""]):
                rows += run_series(kind, w, args, tmp)
                if args.drop_calls > 0 and args.drop_recv > 0:
                    log(f"[{kind}{'' if kind == 'janus' else f' workers={w}'}] {args.drop_calls} calls, "
                        f"{100 * args.drop_recv:g}% of the received video dropped and NACKed ...")
                    row = run_step(kind, w, args.drop_calls, args, tmp, drop=args.drop_recv)
                    rows.append(row)
                    log("    " + describe(row))
        ceiling = None
        if not args.no_ceiling:
            log("ceiling ...")
            ceiling = run_ceiling(args, seconds=args.ceiling_seconds,
                                  extra=["--repeat", str(args.ceiling_repeat)])
            log(ceiling.get("table") or ceiling.get("error", ""))
            if "error" not in ceiling:
                peers = ceiling_peers(rows)
                log(f"ceiling with {peers} peers' sessions ...")
                many = run_ceiling_sessions(args, peers, args.ceiling_seconds,
                                            extra=["--repeat", str(args.ceiling_repeat)])
                ceiling["many_sessions"] = many
                log(many.get("table") or many.get("error", ""))
        instructions = []
        if not args.no_instructions:
            for kind in [k for k in args.ins_servers.split(",") if k in args.server_list]:
                log(f"instructions per packet: {kind} ...")
                i = measure_instructions(kind, args, tmp)
                log("    " + (f"{i['instructions_per_packet']:,} per packet" if "instructions_per_packet" in i
                              else f"failed: {i.get('error')}"))
                instructions.append(i)
                if kind == "switchboard" and args.drop_calls > 0 and args.drop_recv > 0:
                    log(f"instructions per packet: {kind}, {100 * args.drop_recv:g}% of the received video "
                        "dropped and NACKed ...")
                    i = measure_instructions(kind, args, tmp, drop=args.drop_recv)
                    log("    " + (f"{i['instructions_per_packet']:,} per packet" if "instructions_per_packet" in i
                                  else f"failed: {i.get('error')}"))
                    instructions.append(i)
            if instructions and instructions[0]["method"] == "callgrind":
                log("instructions per packet: ceiling ...")
                i = ceiling_instructions(args, tmp)
                log("    " + (f"{i['instructions_per_packet']:,} per packet" if "instructions_per_packet" in i
                              else f"failed: {i.get('error')}"))
                instructions.append(i)
        ceiling = ceiling if ceiling and "error" not in ceiling else None
        with open(os.path.join(tmp, "results.json"), "w") as f:
            json.dump({"rows": rows, "ceiling": ceiling, "instructions": instructions, "started": started,
                       "loadavg_start": args.loadavg_start}, f, indent=1)
        targets = write_reports(args, args.out, rows, ceiling, instructions, tmp, started)
        for name, figure, status in targets:
            log(f"target: {name}: {figure} -> {status}")
        log(f"wrote {args.out}/benchmarks.md, benchmarks.csv, benchmarks.png (scratch: {tmp})")
        keep = True if any("error" in r for r in rows) else keep
        return 0
    finally:
        if keep:
            log(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
