#!/usr/bin/env python3
"""Save -> served latency of `vakwerk serve` on a generated 10,000-page site.

Generates the site with ../shared/bench/gen_corpus.py (unless --site is
given), starts `vakwerk serve --port 0` on it, and then, for several pages:

  * body edit: appends a sentence to the page's text (what typing does) and
    measures from just before the file is written until an HTTP GET of the
    page returns the new text;
  * ref edit: adds a ref to the page's front matter, measures until the
    page shows it and until the referred page's backlinks list the page,
    and then until the whole site is consistent again (/__vakwerk/status
    idle).

Usage:
  cargo build --release
  python3 benches/serve_latency.py [--pages 10000] [--site DIR] [--runs 20]

Prints one line per measurement and a summary (median, p90, max).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "gen_corpus.py")


def get(url, timeout=10):
    req = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def wait_until(pred, bound):
    """Poll pred() until true; return seconds taken, or None after bound."""
    start = time.perf_counter()
    while time.perf_counter() - start < bound:
        if pred():
            return time.perf_counter() - start
        time.sleep(0.001)
    return None


def start_server(binary, site):
    proc = subprocess.Popen(
        [binary, "serve", "--root", site, "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    log = []
    url = None
    deadline = time.time() + 1800
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        log.append(line.rstrip())
        m = re.search(r"(http://\S+)", line)
        if m:
            url = m.group(1)
            break
    if not url:
        proc.kill()
        sys.exit("serve printed no URL:\n" + "\n".join(log[-20:]))

    def drain():
        for line in proc.stderr:
            log.append(line.rstrip())

    threading.Thread(target=drain, daemon=True).start()
    return proc, url, log


def idle(url):
    status, body = get(url + "__vakwerk/status")
    return status == 200 and '"busy":false' in body


def summary(name, samples):
    if not samples:
        print(f"{name}: no samples")
        return
    ms = sorted(s * 1000 for s in samples)
    p90 = ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]
    print(
        f"{name}: n={len(ms)} median={statistics.median(ms):.1f} ms "
        f"p90={p90:.1f} ms max={ms[-1]:.1f} ms"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--site", help="use a copy of this site instead of generating one")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--binary", default=os.path.join(ROOT, "target/release/vakwerk"))
    args = ap.parse_args()

    # The harness edits pages, so it always works on a copy: a --site
    # given here (say, the benchmark corpus) stays as it was.
    tmp = tempfile.mkdtemp(prefix="vakwerk-serve-bench-")
    site = os.path.join(tmp, "site")
    if args.site:
        shutil.copytree(args.site, site, symlinks=True)
    else:
        subprocess.run(
            [sys.executable, GEN, "--flavor", "vakwerk", "--pages", str(args.pages),
             "--seed", "1", "--out", site],
            check=True, stdout=subprocess.DEVNULL,
        )
    t0 = time.time()
    proc, url, log = start_server(args.binary, site)
    print(f"initial build + serve: {time.time() - t0:.1f} s ({url})")
    try:
        wait_until(lambda: idle(url), 600)
        section = os.path.join(site, "content", "methode")
        pages = sorted(f for f in os.listdir(section) if f.endswith(".md") and f != "_index.md")
        step = max(1, len(pages) // args.runs)
        chosen = pages[::step][: args.runs]

        body = []
        for i, name in enumerate(chosen):
            path = os.path.join(section, name)
            page_url = f"{url}methode/{name[:-3]}/"
            marker = f"Bankzitter{i}x{int(time.time())}"
            with open(path, encoding="utf-8") as f:
                text = f.read()
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(text + f"\nEen extra zin met {marker}.\n")
            took = wait_until(lambda: marker in get(page_url)[1], 10)
            if took is None:
                print(f"body edit {name}: NOT served within 10 s")
                continue
            took = time.perf_counter() - start
            body.append(took)
            print(f"body edit  {name}: served after {took * 1000:.1f} ms")
            wait_until(lambda: idle(url), 600)

        ref_page, ref_backlinks, ref_done = [], [], []
        for i, name in enumerate(chosen):
            path = os.path.join(section, name)
            page_url = f"{url}methode/{name[:-3]}/"
            with open(path, encoding="utf-8") as f:
                text = f.read()
            m = re.search(r"^niveaus: \[(.*)\]$", text, re.M)
            if not m:
                continue
            have = [v.strip() for v in m.group(1).split(",") if v.strip()]
            target = next((n for n in ["micro", "meso", "macro"] if n not in have), None)
            if not target:
                continue
            new = text.replace(m.group(0), f"niveaus: [{', '.join(have + [target])}]")
            title = re.search(r'^title: "?(.*?)"?$', text, re.M).group(1)
            target_url = f"{url}niveau/{target}/"
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            shown = wait_until(lambda: f'href="/niveau/{target}/"' in get(page_url)[1], 30)
            t_page = time.perf_counter() - start if shown is not None else None
            linked = wait_until(lambda: f'href="/methode/{name[:-3]}/"' in get(target_url)[1], 60)
            t_back = time.perf_counter() - start if linked is not None else None
            wait_until(lambda: idle(url), 600)
            total = time.perf_counter() - start
            for samples, t in ((ref_page, t_page), (ref_backlinks, t_back)):
                if t is not None:
                    samples.append(t)
            ref_done.append(total)
            fmt = lambda t: "never" if t is None else f"{t * 1000:.1f} ms"
            print(
                f"ref edit   {name}: page {fmt(t_page)}, backlink on /niveau/{target}/ "
                f"{fmt(t_back)}, whole site consistent after {total:.1f} s"
            )
        summary("body edit, save -> page served", body)
        summary("ref edit, save -> page served", ref_page)
        summary("ref edit, save -> backlink served", ref_backlinks)
        summary("ref edit, save -> whole site consistent", ref_done)
        print("server log (last lines):")
        for line in log[-8:]:
            print("  " + line)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
