#!/usr/bin/env python3
"""Peak memory of the reader while it walks a big database (issue #8).

Starts `tidings --db DB` in a private tmux server (120x40), waits for the first frame, then
does what a heavy user does, waiting for each screen before the next key:

  bottom of the stream (G), top again (g), page down (PgDn) through the whole stream to its
  end (or --pages N pages), the feed list with its unread
  counts (f), back (q), filter unread (/unread), search a rare word (/zymurgy), search a
  common one (/river), clear (Esc), open an entry (Enter) and back (q).

and prints one JSON line: the peak resident set (VmHWM from /proc, the TUI process only), the
time of each step from key to the screen showing its result, and the database size. Needs
tmux and Linux /proc.

  python3 benches/walk.py --db /tmp/scale/1m.db [--bin target/release/tidings]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--bin", default="target/release/tidings")
    ap.add_argument("--pages", type=int, default=0, help="0: to the end of the stream")
    args = ap.parse_args()
    sock = f"walk-{os.getpid()}"
    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write("set -g status off\nset -sg escape-time 0\nset -g default-terminal xterm-256color\n")
    conf.close()
    tm = ["tmux", "-L", sock, "-f", conf.name]
    home = tempfile.mkdtemp(prefix="walk-home-")
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=home, XDG_STATE_HOME=home)
    env.pop("TMUX", None)
    cmd = f"{os.path.abspath(args.bin)} --db {os.path.abspath(args.db)}"
    subprocess.run(tm + ["new-session", "-d", "-s", "w", "-x", "120", "-y", "40", cmd],
                   env=env, check=True)

    def screen():
        return subprocess.run(tm + ["capture-pane", "-p", "-t", "w"], env=env,
                              stdout=subprocess.PIPE, text=True, errors="replace").stdout

    def wait(pred, what, timeout=60.0):
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            s = screen()
            if pred(s):
                return time.monotonic() - start
            time.sleep(0.005)
        raise SystemExit(f"timed out waiting for {what}:\n{screen()}")

    def keys(*k):
        subprocess.run(tm + ["send-keys", "-t", "w", *k], env=env, check=True)

    steps = {}
    try:
        steps["first_paint"] = wait(lambda s: "unread," in s, "the first frame")
        pid = subprocess.run(tm + ["display-message", "-p", "-t", "w", "#{pane_pid}"], env=env,
                             stdout=subprocess.PIPE, text=True).stdout.strip()

        def step(name, k, pred, literal=False):
            before = screen()
            t0 = time.monotonic()
            if literal:
                subprocess.run(tm + ["send-keys", "-t", "w", "-l", k], env=env, check=True)
            else:
                keys(k)
            wait(lambda s: s != before and pred(s), name)
            steps[name] = round(time.monotonic() - t0, 4)

        step("bottom", "G", lambda s: True)
        step("top", "g", lambda s: True)
        t0 = time.monotonic()

        def settled():
            last = screen()
            while True:
                time.sleep(0.15)
                now = screen()
                if now == last:
                    return now
                last = now

        pages = 0
        before = screen()
        while True:
            batch = 200 if args.pages == 0 else min(200, args.pages - pages)
            if batch <= 0:
                break
            keys(*(["PageDown"] * batch))
            pages += batch
            after = settled()
            if args.pages == 0 and after == before:
                break
            before = after
        steps["pages_down"] = pages
        steps["pages_s"] = round(time.monotonic() - t0, 3)
        step("feed_list", "f", lambda s: "Feeds" in s.splitlines()[0])
        step("back", "q", lambda s: "All entries" in s.splitlines()[0])
        def filter_step(name, text):
            keys("/")
            wait(lambda s: s.splitlines()[-1].startswith("/"), "the filter line")
            keys("C-u")
            subprocess.run(tm + ["send-keys", "-t", "w", "-l", text], env=env, check=True)
            step(name, "Enter", lambda s: f"/ {text}" in s.splitlines()[0])

        filter_step("filter_unread", "unread")
        filter_step("search_rare", "zymurgy")
        filter_step("search_common", "river")
        step("clear", "Escape", lambda s: "/ river" not in s.splitlines()[0])
        step("open_entry", "Enter", lambda s: "All entries" not in s.splitlines()[0])
        step("close_entry", "q", lambda s: "All entries" in s.splitlines()[0])
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        peak_kb = int(status["VmHWM"].split()[0])
        keys("q")
        db_bytes = sum(os.path.getsize(p) for p in (args.db, args.db + "-wal")
                       if os.path.exists(p))
        print(json.dumps({"db": args.db, "db_mb": round(db_bytes / 1e6, 1),
                          "peak_rss_mb": round(peak_kb / 1024, 1),
                          "steps_s": {k: round(v, 4) for k, v in steps.items()}}))
    finally:
        subprocess.run(tm + ["kill-server"], env=env, stderr=subprocess.DEVNULL)
        os.unlink(conf.name)


if __name__ == "__main__":
    main()
