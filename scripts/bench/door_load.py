"""Load generator for `assay serve`: N concurrent candidate sessions over real SSH (asyncssh).

Each session connects (TCP, key exchange, "none" authentication), asks for a terminal and a
shell, waits for the door's "Invite code: " prompt (session setup), stays connected until every
session is up (so that N are held at once, when the server's memory and CPU are read), then
types its invite code and waits for the answer (code check round trip: Enter to the reply).

The reply to a valid code is now the prompt of `assay screen take`; a session ends there. The
answer loop with a think time is still to be added (see THINK below).

usage: door_load.py --port PORT --codes FILE --sessions N [--server-pid PID] [--ramp SECONDS]
prints one JSON object with the figures.
"""

import argparse
import asyncio
import json
import os
import statistics
import time

import asyncssh


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def proc_stats(pid):
    """RSS (MB), peak RSS (MB) and CPU seconds (user + system) of a process, from /proc."""
    if not pid:
        return None
    rss = hwm = None
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    return {"rss_mb": rss, "peak_rss_mb": hwm, "cpu_seconds": cpu}


async def read_until(process, marker, timeout):
    text = ""
    deadline = time.monotonic() + timeout
    while marker not in text:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no {marker!r} in {text[-200:]!r}")
        chunk = await asyncio.wait_for(process.stdout.read(4096), remaining)
        if not chunk:
            raise ConnectionError(f"closed before {marker!r}: {text[-200:]!r}")
        text += chunk
    return text


async def read_until_any(process, markers, timeout):
    text = ""
    deadline = time.monotonic() + timeout
    while not any(marker in text for marker in markers):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"none of {markers!r} in {text[-200:]!r}")
        chunk = await asyncio.wait_for(process.stdout.read(4096), remaining)
        if not chunk:
            raise ConnectionError(f"closed before {markers!r}: {text[-200:]!r}")
        text += chunk
    return text


async def session(index, args, code, all_up, results):
    started = time.monotonic()
    try:
        async with asyncssh.connect("127.0.0.1", port=args.port, username="candidate", known_hosts=None,
                                    client_keys=None, agent_path=None, preferred_auth="none",
                                    connect_timeout=120, login_timeout=120) as connection:
            process = await connection.create_process(term_type="xterm", term_size=(100, 30))
            await read_until(process, "Invite code: ", 120)
            results["setup"].append(time.monotonic() - started)
            results["up"] += 1
            if results["up"] == args.sessions:
                all_up.set()
            await asyncio.wait_for(all_up.wait(), 600)
            sent = time.monotonic()
            process.stdin.write(code + "\r")
            # A valid code opens the prompt of `screen take` (the bench's screens are begun, so it
            # resumes); a wrong one is refused.
            reply = await read_until_any(process, ["Resuming:", "[y/n]", "not known"], 60)
            if "not known" in reply:
                results["errors"].append(f"session {index}: unexpected reply {reply[-200:]!r}")
            results["check"].append(time.monotonic() - sent)
            # THINK: the prompt now runs over the door; answer questions here with a fixed think
            # time and record each answer's round trip (not written yet).
            process.close()
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        results["errors"].append(f"session {index}: {type(error).__name__}: {error}")
        results["up"] += 1
        if results["up"] == args.sessions:
            all_up.set()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--codes", required=True, help="a file with one invite code per line")
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which sessions start")
    args = parser.parse_args()
    with open(args.codes) as file:
        codes = [line.strip() for line in file if line.strip()]
    results = {"setup": [], "check": [], "errors": [], "up": 0}
    all_up = asyncio.Event()
    before = proc_stats(args.server_pid)
    started = time.monotonic()
    tasks = []
    for index in range(args.sessions):
        tasks.append(asyncio.create_task(session(index, args, codes[index % len(codes)], all_up, results)))
        await asyncio.sleep(args.ramp / args.sessions)
    await asyncio.wait_for(all_up.wait(), 900)
    await asyncio.sleep(1)
    held = proc_stats(args.server_pid)
    await asyncio.gather(*tasks)
    after = proc_stats(args.server_pid)
    elapsed = time.monotonic() - started
    ms = lambda value: None if value is None else round(value * 1000, 1)  # noqa: E731
    print(json.dumps({
        "sessions": args.sessions,
        "ramp_seconds": args.ramp,
        "completed": len(results["check"]),
        "failed": len(results["errors"]),
        "first_errors": results["errors"][:5],
        "setup_ms_p50": ms(percentile(results["setup"], 50)),
        "setup_ms_p99": ms(percentile(results["setup"], 99)),
        "setup_ms_max": ms(max(results["setup"], default=None)),
        "check_ms_p50": ms(percentile(results["check"], 50)),
        "check_ms_p99": ms(percentile(results["check"], 99)),
        "check_ms_mean": ms(statistics.fmean(results["check"])) if results["check"] else None,
        "server_rss_mb_all_connected": held and round(held["rss_mb"], 1),
        "server_peak_rss_mb": after and round(after["peak_rss_mb"], 1),
        "server_cpu_seconds": before and after and round(after["cpu_seconds"] - before["cpu_seconds"], 2),
        "wall_seconds": round(elapsed, 1),
    }))


if __name__ == "__main__":
    asyncio.run(main())
