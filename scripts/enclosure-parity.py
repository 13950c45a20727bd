#!/usr/bin/env python3
"""Enclosure URLs of `tidings parse` against the reference results of the shared corpus.

    python3 scripts/enclosure-parity.py [CORPUS_DIR] [TIDINGS_BINARY]

For every entry the reference (feedparser 6.0.14, or the JSON Feed reference reader) lists
enclosures for, each of its enclosure URLs is looked for among tidings' enclosures of the entry
at the same position. A reference URL that is not an absolute http(s) URL (`javascript:`, a
relative path in a document read from a file, a placeholder, one longer than the 8 KiB a link
may be) is counted apart: tidings keeps web
links only, by design. Extra enclosures tidings finds (Media RSS `media:content`, which
feedparser does not list as an enclosure) are counted too.
"""
import glob
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "shared", "corpus")
binary = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "target", "release", "tidings")


def web(url):
    # Clipped by the corpus (over 2000 characters) or over tidings' 8 KiB bound for a link.
    if "...[+" in url or len(url) > 8192:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and url == url.strip() and url.isprintable()


files = want = matched = not_web = extra = 0
missed = []
for path in sorted(glob.glob(os.path.join(corpus, "expected", "**", "*.json"), recursive=True)):
    exp = json.load(open(path, encoding="utf-8"))
    rel = os.path.relpath(path, os.path.join(corpus, "expected"))[: -len(".json")]
    wanted = [[x["url"] for x in (e.get("enclosures") or [])] for e in exp.get("entries", [])]
    if not any(wanted):
        continue
    files += 1
    run = subprocess.run([binary, "parse", os.path.join(corpus, rel)], capture_output=True, text=True)
    try:
        got = [[x["url"] for x in e["enclosures"]] for e in json.loads(run.stdout)["entries"]]
    except (ValueError, KeyError):
        got = []
    for i, urls in enumerate(wanted):
        mine = [u.rstrip("/") for u in (got[i] if i < len(got) else [])]
        extra += len(set(mine) - {u.rstrip("/") for u in urls})
        for url in urls:
            want += 1
            if not web(url):
                not_web += 1
            elif url.rstrip("/") in mine:
                matched += 1
            else:
                missed.append(f"{rel} entry {i}: {url}")

web_urls = want - not_web
print(f"documents with enclosures: {files}; reference enclosure URLs: {want}")
print(f"  not web links (refused by design): {not_web}")
print(f"  web links found: {matched} of {web_urls} ({100 * matched / max(web_urls, 1):.1f} %)")
print(f"  extra enclosures tidings lists (media:content and the like): {extra}")
for m in missed:
    print("  missed", m[:200])
