"""Two replicas behind nginx on loopback (issue #11): deploy/nginx.conf in Debian's
nginx in front of two `streamlit run app.py`, as deploy/compose.yaml runs them.

    python benchmarks/bench_deploy.py                        # print the addresses, hold
    python benchmarks/bench_deploy.py -- --sessions 200      # bench_load.py via nginx
    python benchmarks/bench_deploy.py --direct -- --sessions 100   # ... replica 1 only

Without load arguments it prints nginx's and the replicas' addresses and process ids
and keeps them up for --hold seconds (at most an hour) or until Ctrl-C, so load can
be driven at them by hand. With arguments after `--` it runs benchmarks/bench_load.py
with them against nginx (or with --direct against replica 1 alone), passing the
replicas' process ids for its CPU accounting, prints the load average before and
after, then stops everything. Replicas run as in the image: no file watcher, no
background warm-up (run `python -m optimizers.warm` first). Loopback only; every
process it starts stops when it ends.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from streamlit_server import nginx_proxy, streamlit_server  # noqa: E402

REPLICA_ARGS = ("--server.fileWatcherType", "none")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def spread(folder: Path, replicas) -> str:
    """The upgraded websockets (status 101) in nginx's access log, per replica (the
    log format is tests/streamlit_server.py's: id, $upstream_addr, status)."""
    counts = {f"app{k}": 0 for k in range(1, len(replicas) + 1)}
    names = {f"127.0.0.1:{r.port}": f"app{k}" for k, r in enumerate(replicas, 1)}
    for line in (folder / "nginx" / "access.log").read_text().splitlines():
        addresses, status = line.split(" ", 1)[1].rsplit(" ", 1)
        if status == "101":
            name = names.get(addresses.split(", ")[-1], "other")
            counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    load_args = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, choices=[2])
    parser.add_argument(
        "--direct", action="store_true", help="load replica 1 directly, not nginx"
    )
    parser.add_argument("--hold", type=float, default=1800.0, help="seconds, no load")
    args = parser.parse_args(own)
    if not 0 < args.hold <= 3600:
        parser.error("--hold is at most 3600 s")

    env = {"DESCENT_LAB_WARM": "0"}
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        replicas = [
            stack.enter_context(streamlit_server(*REPLICA_ARGS, env=env))
            for _ in range(args.replicas)
        ]
        proxy = stack.enter_context(
            nginx_proxy([r.port for r in replicas], folder / "nginx")
        )
        print(f"nginx   {proxy}  (config and logs in {folder / 'nginx'})")
        for k, replica in enumerate(replicas, start=1):
            print(f"app{k}    {replica.url}  (pid {replica.process.pid})")
        sys.stdout.flush()
        if not load_args:
            print(f"holding for {args.hold:.0f} s (Ctrl-C stops)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(args.hold)
            return 0
        target = replicas[0].url if args.direct else proxy
        loaded = replicas[:1] if args.direct else replicas
        command = [sys.executable, str(ROOT / "benchmarks" / "bench_load.py")]
        command += ["--url", target + "/"]
        for replica in loaded:
            command += ["--pid", str(replica.process.pid)]
        command += load_args
        print(f"before: {load_average()}", flush=True)
        print("$ " + " ".join(command[1:]), flush=True)
        code = subprocess.run(command, cwd=ROOT).returncode
        print(f"after:  {load_average()}", flush=True)
        time.sleep(2)  # nginx logs a websocket once both its ends are closed
        print(
            "websocket sessions through nginx, by replica: " + spread(folder, replicas)
        )
        return code


if __name__ == "__main__":
    sys.exit(main())
