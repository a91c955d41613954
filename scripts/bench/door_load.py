"""Load generator for `assay serve`: N concurrent candidate sessions over real SSH (asyncssh).

Each session connects (TCP, key exchange, "none" authentication), asks for a terminal and a
shell, waits for the door's "Invite code: " prompt (session setup), stays connected until every
session is up (so that N are held at once, when the server's memory and CPU are read), then
types its invite code and waits for the answer (code check round trip: Enter to the reply).

A valid code opens the prompt of `assay screen take` (the bench's screens are begun: it
resumes). Once every session has its prompt (--overlap: at once), each answers its questions as a person would, at a fixed think time
(--think, 2 s; the first wait a random part of it so that sessions do not answer in step): it
reads the instructions line to know the kind (a letter, letters, true/false, a number, a word,
or an essay: a line, then a line holding '.'), types the answer and presses Enter. Measured:
the typed line's echo (the SSH round trip alone, no database work), Enter to "Saved." (the answer round trip: screen_door_answer, one statement; the last answer
of a screen apart, as it comes with the submissions of the others), Enter to the next
question's input prompt, an essay line's draft save, and the last answer to "your screen is
submitted". Each session uses its own code (one line of --codes each).

usage: door_load.py --port PORT --codes FILE --sessions N [--server-pid PID] [--ramp SECONDS]
                    [--think SECONDS] [--answers N]
prints one JSON object with the figures.
"""

import argparse
import asyncio
import json
import os
import random
import re
import resource
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


ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x07")
INPUT_PROMPT = re.compile(r"\[\d+:\d\d(?::\d\d)?\] > ")
QUESTION = re.compile(r"Question (\d+) of (\d+)")


class Screen:
    """What a session's terminal received, escapes removed, read forward from a cursor."""

    def __init__(self, process):
        self.process = process
        self.text = ""
        self.cursor = 0

    async def expect(self, pattern, timeout):
        """Reads until `pattern` (a regex or a list of plain strings) appears after the cursor;
        moves the cursor past it and returns (the text up to and including it, the match)."""
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(pattern, list):
                found = [(self.text.find(m, self.cursor), m) for m in pattern]
                found = [(at, m) for at, m in found if at >= 0]
                if found:
                    at, marker = min(found)
                    block = self.text[self.cursor:at + len(marker)]
                    self.cursor = at + len(marker)
                    return block, marker
            else:
                match = pattern.search(self.text, self.cursor)
                if match:
                    block = self.text[self.cursor:match.end()]
                    self.cursor = match.end()
                    return block, match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no {pattern!r} in {self.text[-300:]!r}")
            chunk = await asyncio.wait_for(self.process.stdout.read(65536), remaining)
            if not chunk:
                raise ConnectionError(f"closed before {pattern!r}: {self.text[-300:]!r}")
            self.text += ESCAPE.sub("", chunk)
            # Keep the buffer small: nothing before the cursor is looked at again.
            if self.cursor > 65536:
                self.text = self.text[self.cursor:]
                self.cursor = 0


def letters(count):
    return "".join(chr(ord("A") + i) for i in range(count))


def answer_for(question):
    """What a candidate types at a question, from the prompt's instructions line
    (CandidatePrompt.instructions): the kind of the question and how it is answered.
    Returns a list of lines to enter; an essay is a line of text, then a line with '.'."""
    text = " ".join(question.split())
    if "Write your answer over several lines" in text:
        return ["Energy is conserved because the laws do not change with time.", "."]
    if "Answer with one letter" in text:
        return ["A"]
    if "Select all that apply" in text:
        return ["A,B"]
    if "Answer true or false" in text:
        return ["t"]
    if "Answer with a number" in text:
        return ["1.5"]
    if "Answer with a word or short phrase" in text:
        return ["bench"]
    ordering = re.search(r"Give all (\d+) letters", text)
    if ordering:
        return [letters(int(ordering.group(1)))]
    matching = re.search(r"for each of the (\d+) numbered items", text)
    if matching:
        return ["A" * int(matching.group(1))]
    raise ValueError(f"unknown question kind: {text[-300:]!r}")


async def session(index, args, code, all_up, all_checked, results):
    started = time.monotonic()
    counted = False
    try:
        async with asyncssh.connect("127.0.0.1", port=args.port, username="candidate", known_hosts=None,
                                    client_keys=None, agent_path=None, preferred_auth="none",
                                    connect_timeout=120, login_timeout=120) as connection:
            process = await connection.create_process(term_type="xterm", term_size=(100, 30))
            screen = Screen(process)
            await screen.expect(["Invite code: "], 120)
            results["setup"].append(time.monotonic() - started)
            counted = True
            results["up"] += 1
            if results["up"] == args.sessions:
                all_up.set()
            await asyncio.wait_for(all_up.wait(), 900)
            sent = time.monotonic()
            process.stdin.write(code + "\r")
            # A valid code opens the prompt of `screen take` (the bench's screens are begun, so it
            # resumes); a wrong one is refused.
            _, reply = await screen.expect(["Resuming:", "[y/n]", "not known"], 120)
            if reply != "Resuming:":
                raise RuntimeError(f"unexpected reply {screen.text[-300:]!r}")
            results["check"].append(time.monotonic() - sent)
            results["checked_sessions"].add(index)
            results["checked"] += 1
            if results["checked"] == args.sessions:
                all_checked.set()
            # Answering starts once every session has its prompt, so that the check burst
            # (measured above) does not stand in the pool's queue in front of the first answers
            # (--overlap: start at once).
            if not args.overlap:
                await asyncio.wait_for(all_checked.wait(), 900)
            # The candidate answers each question as a person would: reads it (the think time;
            # the first one a random part of it, so that N sessions do not answer in step),
            # types the answer and presses Enter. The prompt saves it (screen_door_answer: one
            # statement) and writes "Saved." then the next question, which came with the answer.
            # The round trip is Enter to "Saved." (the save confirmed) and Enter to the next
            # question's input prompt (ready for the next answer). An essay is a line (saved as a
            # draft: Enter to the input prompt again), then a line holding '.' (the answer).
            block, _ = await screen.expect(INPUT_PROMPT, 120)
            think = args.think * random.random()
            answered = 0
            while answered < args.answers:
                lines = answer_for(block)
                for number, line in enumerate(lines):
                    await asyncio.sleep(think)
                    think = args.think
                    pressed = time.monotonic()
                    process.stdin.write(line + "\r")
                    # The line's echo: the server's line editor writes it back before it acts
                    # on Enter, with no database work, so this is the SSH round trip through
                    # both processes (and their waits for a core); "Saved." minus it is the
                    # database, the pool's queue and the prompt's own work.
                    await screen.expect([line], 120)
                    results["echo"].append(time.monotonic() - pressed)
                    if number < len(lines) - 1:
                        await screen.expect(INPUT_PROMPT, 120)
                        results["draft"].append(time.monotonic() - pressed)
                        continue
                    _, marker = await screen.expect(["Saved.", "That answer was not accepted", "Time is up"], 120)
                    if marker != "Saved.":
                        raise RuntimeError(f"answer refused: {screen.text[-300:]!r}")
                    answered += 1
                    # The last answer is kept apart: it ends the screen, and the sessions that
                    # started together submit together (each a scoring transaction on the pool).
                    results["answer" if answered < args.answers else "last_answer"].append(time.monotonic() - pressed)
                    # The next question (its input prompt), or the end of the screen.
                    block, found = await screen.expect(INPUT_PROMPT if answered < args.answers else
                                                       re.compile(r"\] > |your screen is submitted"), 120)
                    if found.group(0) == "your screen is submitted":
                        results["submit"].append(time.monotonic() - pressed)
                        answered = args.answers
                        break
                    results["next"].append(time.monotonic() - pressed)
            results["sessions_done"] += 1
            process.close()
    except Exception as error:  # noqa: BLE001 - every failure is counted and reported
        results["errors"].append(f"session {index}: {type(error).__name__}: {error}")
        if not counted:
            results["up"] += 1
            if results["up"] == args.sessions:
                all_up.set()
        if index not in results["checked_sessions"]:
            results["checked"] += 1
            if results["checked"] == args.sessions:
                all_checked.set()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--codes", required=True, help="a file with one invite code per line")
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--server-pid", type=int)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which sessions start")
    parser.add_argument("--think", type=float, default=2.0, help="seconds a candidate takes before each answer")
    parser.add_argument("--answers", type=int, default=20, help="answers per session (the whole screen: 20)")
    parser.add_argument("--overlap", action="store_true", help="answer as soon as the prompt is there, while other sessions' checks still run")
    args = parser.parse_args()
    with open(args.codes) as file:
        codes = [line.strip() for line in file if line.strip()]
    if len(codes) < args.sessions:
        parser.error(f"{args.codes} has {len(codes)} codes, fewer than --sessions {args.sessions}")
    results = {"setup": [], "check": [], "echo": [], "answer": [], "last_answer": [], "next": [], "draft": [], "submit": [], "errors": [],
               "up": 0, "sessions_done": 0, "checked": 0, "checked_sessions": set()}
    all_up = asyncio.Event()
    all_checked = asyncio.Event()
    load_before = os.getloadavg()
    before = proc_stats(args.server_pid)
    own_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    tasks = []
    for index in range(args.sessions):
        tasks.append(asyncio.create_task(session(index, args, codes[index], all_up, all_checked, results)))
        await asyncio.sleep(args.ramp / args.sessions)
    await asyncio.wait_for(all_up.wait(), 900)
    await asyncio.sleep(1)
    held = proc_stats(args.server_pid)
    answering = time.monotonic()
    await asyncio.gather(*tasks)
    after = proc_stats(args.server_pid)
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    finished = time.monotonic()
    ms = lambda value: None if value is None else round(value * 1000, 1)  # noqa: E731
    figures = {
        "sessions": args.sessions,
        "ramp_seconds": args.ramp,
        "think_seconds": args.think,
        "answers_per_session": args.answers,
        "overlap": args.overlap,
        "sessions_completed": results["sessions_done"],
        "failed": len(results["errors"]),
        "first_errors": results["errors"][:5],
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "answers": len(results["answer"]) + len(results["last_answer"]),
        "answers_per_second": round((len(results["answer"]) + len(results["last_answer"])) / max(0.001, finished - answering), 1),
        "server_rss_mb_all_connected": held and round(held["rss_mb"], 1),
        "server_rss_mb_end": after and round(after["rss_mb"], 1),
        "server_peak_rss_mb": after and round(after["peak_rss_mb"], 1),
        "server_cpu_seconds": before and after and round(after["cpu_seconds"] - before["cpu_seconds"], 2),
        "generator_cpu_seconds": round(own_after.ru_utime + own_after.ru_stime - own_before.ru_utime - own_before.ru_stime, 2),
        "wall_seconds": round(finished - started, 1),
    }
    for name in ("setup", "check", "echo", "answer", "last_answer", "next", "draft", "submit"):
        values = results[name]
        figures[f"{name}_ms_p50"] = ms(percentile(values, 50))
        figures[f"{name}_ms_p99"] = ms(percentile(values, 99))
        figures[f"{name}_ms_max"] = ms(max(values, default=None))
    every_answer = results["answer"] + results["last_answer"]
    figures["all_answers_ms_p50"] = ms(percentile(every_answer, 50))
    figures["all_answers_ms_p99"] = ms(percentile(every_answer, 99))
    figures["check_ms_mean"] = ms(statistics.fmean(results["check"])) if results["check"] else None
    print(json.dumps(figures))


if __name__ == "__main__":
    asyncio.run(main())
