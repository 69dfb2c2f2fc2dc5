"""The side-by-side benchmark (issue 8). Called by bench/run, which builds Kyso and installs the
peers first; see docs/benchmarks.md for what each row means.

    bench.py [--smoke] --kyso PATH --out DIR --doc FILE

Each timed run is a whole process under GNU `time -f %M` (its peak RSS; the wall time is taken
around it, so it includes one extra fork and exec, under a millisecond). Not wait4() from Python:
a child forked from the Python process starts with Python's RSS as its high-water mark. Every
command runs once as a warm-up (page cache, token files), then RUNS times; the table gives the
median and the minimum, and the largest peak RSS.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = str(REPO / ".venv/bin/python")
PYHANKO = str(REPO / ".venv/bin/pyhanko")
TOKEN = "Kyso DEMO"
PIN = "123456"
SIGNER_LABEL = "Nguyen Van An (DEMO)"  # the leader's RSA-2048 key and certificate, id 01
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


class Bench:
    def __init__(self, args):
        self.smoke = args.smoke
        self.runs = 1 if args.smoke else 5
        self.kyso = str(Path(args.kyso).resolve())
        self.out = Path(args.out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.module = next(
            p
            for p in (
                "/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
            )
            if os.path.exists(p)
        )
        # Kyso's signing journal goes to the bench folder, not the user's.
        self.env = dict(os.environ, KYSO_BENCH_PIN=PIN, KYSO_JOURNAL=str(self.out / "journal.sqlite"))
        self.lines = []
        self.results = {}
        self.signed = {}

    # --- running and timing ---------------------------------------------------------------

    def once(self, argv, check=True):
        """One whole process under GNU time: (seconds, peak RSS in KiB)."""
        rss = self.out / "last.rss"
        timed = ["/usr/bin/time", "-f", "%M", "-o", str(rss)] + argv
        with open(self.out / "last.log", "wb") as log:
            start = time.perf_counter()
            done = subprocess.run(timed, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            seconds = time.perf_counter() - start
        if check and done.returncode != 0:
            tail = (self.out / "last.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"command failed ({done.returncode}): {' '.join(argv)}\n{tail}")
        # GNU time writes "Command exited with non-zero status N" before the number then.
        return seconds, int(rss.read_text().split()[-1])

    @staticmethod
    def stats(samples):
        times = [t for t, _ in samples]
        return {"median": statistics.median(times), "min": min(times), "rss_mb": max(r for _, r in samples) / 1024}

    def measure(self, argv, check=True, runs=None):
        return self.measure_group({"x": argv}, check, runs)["x"]

    def measure_group(self, commands, check=True, runs=None):
        """Runs the commands in turn (a, b, c, a, b, c, ...) so that load from elsewhere on the
        machine falls on each of them alike; the ratios are what this benchmark is about."""
        runs = runs or self.runs
        if not self.smoke:
            for argv in commands.values():
                self.once(argv, check)
        samples = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                samples[name].append(self.once(argv, check))
        return {name: self.stats(s) for name, s in samples.items()}

    def kyso_sign(self, inputs, output=None, out_dir=None, key_id="01"):
        argv = [self.kyso, "sign", "--module", self.module, "--token", TOKEN, "--cert", key_id]
        # The demo certificates name no OCSP/CRL address: the pre-sign revocation check has
        # nothing to ask, so it is waived as an office without network would.
        argv += ["--pin-env", "KYSO_BENCH_PIN", "--force", "--allow-unknown-revocation"]
        argv += ["-o", str(output)] if output else ["--out-dir", str(out_dir)]
        return argv + [str(i) for i in inputs]

    def kyso_verify(self, path):
        root = self.out / "demo/pki/root-ca.crt.pem"
        return [self.kyso, "verify", "--offline", "--trust", str(root), str(path)]

    # --- inputs ---------------------------------------------------------------------------

    def make(self, name, *spec):
        path = self.out / f"{name}.pdf"
        if not path.exists():
            subprocess.run([sys.executable, str(HERE / "make_input.py"), spec[0], str(path), *spec[1:]], check=True)
        return path

    def inputs(self):
        self.docs = {"10 KB text": self.make("text-10k", "text", "1", "9000")}
        if self.smoke:
            return
        self.docs["1 MB, 100 pages"] = self.make("text-1m", "text", "100", "10000")
        self.docs["100 MB images"] = self.make("images-100m", "images", "100000000")

    def token(self):
        """The demo token (SoftHSM2, RSA-2048 keys), created once by `kyso demo`."""
        demo = self.out / "demo"
        if not (demo / "softhsm2.conf").exists():
            subprocess.run([self.kyso, "demo", "--dir", str(demo)], check=True, capture_output=True)
        self.env["SOFTHSM2_CONF"] = str(demo / "softhsm2.conf")
        config = self.out / "pyhanko.yml"
        config.write_text(
            "pkcs11-setups:\n  bench:\n"
            f"    module-path: {self.module}\n"
            f"    token-criteria:\n      label: {TOKEN}\n"
            f"    cert-label: {SIGNER_LABEL}\n    key-label: {SIGNER_LABEL}\n"
            f"    user-pin: '{PIN}'\n"
        )
        self.pyhanko_config = config

    # --- rows -------------------------------------------------------------------------------

    def sign_peers(self, src, dst):
        return {
            "pyHanko CLI": [PYHANKO, "--config", str(self.pyhanko_config), "sign", "addsig",
                            "--field", "Signature1", "pkcs11", "--p11-setup", "bench", str(src), str(dst)],
            "endesive": [PYTHON, str(HERE / "peers.py"), "endesive-sign", self.module, TOKEN, PIN,
                         "01", str(src), str(dst)],
        }

    def pyhanko_api(self, src, dst):
        """pyHanko in one process with an open session: per-signature times, process RSS."""
        argv = [PYTHON, str(HERE / "peers.py"), "pyhanko-api", self.module, TOKEN, PIN,
                SIGNER_LABEL, str(self.runs), str(src), str(dst)]
        r = json.loads(subprocess.run(argv, env=self.env, check=True, capture_output=True, text=True).stdout)
        return {"median": statistics.median(r["times"]), "min": min(r["times"]), "rss_mb": r["maxrss_kb"] / 1024}

    def signing(self):
        rows = []
        for label, src in self.docs.items():
            dst = self.out / f"signed-{src.stem}.pdf"
            group = {"Kyso": self.kyso_sign([src], output=dst), **self.sign_peers(src, self.out / "peer.pdf")}
            peers = self.measure_group(group)
            kyso = peers.pop("Kyso")
            peers["pyHanko API (open session)"] = self.pyhanko_api(src, self.out / "peer.pdf")
            rows.append((label, src.stat().st_size, kyso, peers))
            self.signed[label] = dst
        self.results["sign"] = rows

    def ten_signatures(self):
        """The 1 MB document (10 KB in smoke mode) signed 10 times, alternating two keys."""
        base = self.docs.get("1 MB, 100 pages", self.docs["10 KB text"])
        current = base
        for i in range(10):  # made anew each run (0.2 s): the file is the current Kyso's output
            nxt = self.out / f"ten-{i + 1}.pdf"
            self.once(self.kyso_sign([current], output=nxt, key_id="01" if i % 2 == 0 else "02"))
            current = nxt
        return current

    def validation(self):
        docs = dict(self.signed)
        docs["10 signatures"] = self.ten_signatures()
        rows = []
        for label, path in docs.items():
            root = self.out / "demo/pki/root-ca.crt.pem"
            # Exit codes are verdicts here (the demo root is not a real anchor), not failures.
            peers = self.measure_group({
                "Kyso": self.kyso_verify(path),
                "pyHanko CLI": [PYHANKO, "sign", "validate", "--no-revocation-check", "--trust", str(root),
                                "--trust-replace", str(path)],
                "pdfsig": ["pdfsig", "-nocert", str(path)],
            }, check=False)
            kyso = peers.pop("Kyso")
            rows.append((label, path.stat().st_size, kyso, peers))
        self.results["verify"] = rows

    def batch(self):
        count = 3 if self.smoke else 100
        src = self.docs.get("1 MB, 100 pages", self.docs["10 KB text"])
        folder = self.out / "batch-in"
        folder.mkdir(exist_ok=True)
        inputs = []
        for i in range(count):
            p = folder / f"van-ban-{i:03d}.pdf"
            if not p.exists():
                shutil.copyfile(src, p)
            inputs.append(p)
        out_dir = self.out / "batch-out"
        out_dir.mkdir(exist_ok=True)
        self.results["batch"] = (count, src.stat().st_size, self.measure(self.kyso_sign(inputs, out_dir=out_dir)))

    def growth(self):
        sizes = [("1 MB", 1_000_000)] if self.smoke else [("1 MB", 1_000_000), ("100 MB", 100_000_000), ("500 MB", 500_000_000)]
        rows = []
        for label, size in sizes:
            src = self.make(f"images-{size}", "images", str(size))
            dst = self.out / f"growth-signed-{size}.pdf"
            sign = self.measure(self.kyso_sign([src], output=dst), runs=min(self.runs, 3))
            verify = self.measure(self.kyso_verify(dst), check=False, runs=min(self.runs, 3))
            rows.append((label, src.stat().st_size, sign, verify))
        if not self.smoke:
            (self.out / "images-500000000.pdf").unlink(missing_ok=True)
            (self.out / "growth-signed-500000000.pdf").unlink(missing_ok=True)
        self.results["growth"] = rows

    def floors(self):
        f = {}
        seconds = "1"
        out = subprocess.run(["openssl", "speed", "-evp", "sha256", "-seconds", seconds, "-bytes", "65536"],
                             capture_output=True, text=True, check=True).stdout
        # "sha256   12345.67k" in 1000s of bytes per second for the one block size.
        m = re.search(r"^sha256\s+([\d.]+)k", out, re.M)
        f["sha256_mb_s"] = float(m.group(1)) / 1000 if m else float("nan")
        big = self.docs.get("100 MB images", self.docs["10 KB text"])
        f["cp"] = self.measure(["cp", str(big), str(self.out / "cp-copy.pdf")])
        f["cp_size"] = big.stat().st_size
        rate = subprocess.run([PYTHON, str(HERE / "peers.py"), "softhsm-rate", self.module, TOKEN, PIN,
                               SIGNER_LABEL, "20" if self.smoke else "300"],
                              env=self.env, capture_output=True, text=True, check=True).stdout
        f["softhsm"] = json.loads(rate)
        f["version"] = self.measure([self.kyso, "--version"], runs=1 if self.smoke else 20)
        self.results["floors"] = f

    # --- report -----------------------------------------------------------------------------

    def machine(self):
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = re.search(r"Model name:\s*(.+)", lscpu)
        mem = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())

        def version(argv, pattern=r"([\d.]+)"):
            try:
                text = subprocess.run(argv, capture_output=True, text=True, env=self.env)
                m = re.search(pattern, text.stdout + text.stderr)
                return m.group(1) if m else "?"
            except OSError:
                return "?"

        pip = lambda name: version([PYTHON, "-m", "pip", "show", name], r"Version: (\S+)")
        kyso = version([self.kyso, "--version"], r"(kyso \S+)")
        ssl = version(["openssl", "version"], r"(OpenSSL \S+)")
        return (
            f"{model.group(1).strip() if model else platform.processor()}, {os.cpu_count()} cores, "
            f"{int(mem.group(1)) / 1048576:.0f} GiB RAM, Linux {platform.release()}; "
            f"{kyso}, "
            f"pyHanko {pip('pyhanko')} (CLI {pip('pyhanko-cli')}), endesive {pip('endesive')}, "
            f"pdfsig {version(['pdfsig', '-v'])}, SoftHSM {version(['softhsm2-util', '--version'])}, "
            f"{ssl}"
        )

    def targets(self):
        lines = ["### Targets (issue 8)", "", "| target | this run (median) | met |", "|---|---|---|"]
        for what, value, met in _target_lines(self.results):
            lines.append(f"| {what} | {value} | {'yes' if met else '**no**'} |")
        return lines + [""]

    def table(self):
        t = lambda r: f"{r['median']:.3f} / {r['min']:.3f}"
        L = self.lines
        when = time.strftime("%Y-%m-%d %H:%M %Z")
        L += [f"Run {when}{' (smoke: 1 run, small inputs; not figures)' if self.smoke else ''}.",
              f"Machine: {self.machine()}.", "",
              "Times are seconds, median / minimum of "
              f"{self.runs} runs after a warm-up; RSS is the largest peak of those runs (MB). "
              "Ratio = Kyso's median / the peer's median (below 1: Kyso is faster).", ""]
        L += self.targets()
        L += ["### Signing (PAdES B-B, RSA-2048 on SoftHSM2)", "",
              "| input | bytes | tool | time (s) | peak RSS (MB) | Kyso / tool |", "|---|---:|---|---:|---:|---:|"]
        for label, size, kyso, peers in self.results["sign"]:
            L.append(f"| {label} | {size} | **Kyso** | {t(kyso)} | {kyso['rss_mb']:.1f} | |")
            for name, r in peers.items():
                L.append(f"| | | {name} | {t(r)} | {r['rss_mb']:.1f} | {kyso['median'] / r['median']:.2f} |")
        L += ["", "pyHanko API (open session) is the time of one signature inside a Python process that has "
              "already imported pyHanko and logged in; its RSS is that whole process's peak.", ""]
        L += ["### Validation", "",
              "| signed file | bytes | tool | time (s) | peak RSS (MB) | Kyso / tool |", "|---|---:|---|---:|---:|---:|"]
        for label, size, kyso, peers in self.results["verify"]:
            L.append(f"| {label} | {size} | **Kyso** | {t(kyso)} | {kyso['rss_mb']:.1f} | |")
            for name, r in peers.items():
                L.append(f"| | | {name} | {t(r)} | {r['rss_mb']:.1f} | {kyso['median'] / r['median']:.2f} |")
        L += ["", "Kyso: `kyso verify --offline --trust ROOT` (integrity, CMS, path, revocation from the file, "
              "revisions and full change analysis, policy, report). pyHanko: `pyhanko sign validate "
              "--no-revocation-check --trust ROOT` (integrity, path, difference analysis). pdfsig: "
              "`pdfsig -nocert` (integrity and signature only, no change analysis).", ""]
        count, size, b = self.results["batch"]
        api = next((peers["pyHanko API (open session)"] for label, sz, _, peers in self.results["sign"]
                    if sz == size), None)
        per_doc = b["median"] / count
        versus = (f" Per document {per_doc * 1000:.1f} ms, against {api['median'] * 1000:.1f} ms for one "
                  f"signature of the same file by pyHanko's API with an open session (ratio "
                  f"{per_doc / api['median']:.2f})." if api else "")
        L += ["### Batch, growth, start-up", "",
              f"Batch: {count} × {size} bytes signed by one `kyso sign --out-dir` (one login): "
              f"{t(b)} s, {b['rss_mb']:.1f} MB peak RSS.{versus}", "",
              "| growth (images) | bytes | sign (s) | sign RSS (MB) | verify (s) | verify RSS (MB) |",
              "|---|---:|---:|---:|---:|---:|"]
        for label, size, s, v in self.results["growth"]:
            L.append(f"| {label} | {size} | {t(s)} | {s['rss_mb']:.1f} | {t(v)} | {v['rss_mb']:.1f} |")
        g = self.results["growth"]
        f = self.results["floors"]
        if len(g) >= 2:
            (_, s0, a0, v0), (_, s1, a1, v1) = g[0], g[-1]
            per_gb = lambda x0, x1: (x1["median"] - x0["median"]) / ((s1 - s0) / 1e9)
            L += ["", f"Slope from {g[0][0]} to {g[-1][0]}: signing {per_gb(a0, a1):.2f} s/GB, "
                  f"validation {per_gb(v0, v1):.2f} s/GB; the SHA-256 floor is "
                  f"{1000 / f['sha256_mb_s']:.2f} s/GB (one pass)."]
        L += ["", "### Floors on the same machine", "",
              f"- `openssl speed -evp sha256` (64 KiB blocks): {f['sha256_mb_s']:.0f} MB/s.",
              f"- `cp` of the {f['cp_size']}-byte file (page cache warm): {t(f['cp'])} s.",
              f"- SoftHSM2 raw RSA-2048 PKCS#1 v1.5 signatures, one open session: "
              f"{f['softhsm']['per_second']:.0f} per second.",
              f"- `kyso --version`: {t(f['version'])} s, {f['version']['rss_mb']:.1f} MB."]
        return "\n".join(L) + "\n"


def _row(rows, label):
    return next(((kyso, peers) for name, _, kyso, peers in rows if name == label), (None, None))


def _target_lines(results):
    """Issue 8's targets against this run's medians (rows missing in smoke mode are skipped)."""
    out = []
    kyso, peers = _row(results["sign"], "100 MB images")
    if kyso:
        r = kyso["median"] / peers["pyHanko CLI"]["median"]
        out.append(("sign 100 MB ≤ 0.5 × pyHanko CLI, ≤ 64 MB", f"{r:.2f} ×, {kyso['rss_mb']:.1f} MB",
                    r <= 0.5 and kyso["rss_mb"] <= 64))
    kyso, peers = _row(results["verify"], "100 MB images")
    if kyso:
        r = kyso["median"] / peers["pdfsig"]["median"]
        out.append(("validate 100 MB ≤ 0.6 × pdfsig, ≤ 32 MB", f"{r:.2f} ×, {kyso['rss_mb']:.1f} MB",
                    r <= 0.6 and kyso["rss_mb"] <= 32))
    v = results["floors"]["version"]
    out.append(("`kyso --version` ≤ 20 ms", f"{v['median'] * 1000:.1f} ms", v["median"] <= 0.020))
    count, _, b = results["batch"]
    if count == 100:
        out.append(("100 × 1 MB batch ≤ 3 s", f"{b['median']:.2f} s", b["median"] <= 3))
    return out


def write_doc(doc, text):
    content = doc.read_text()
    if BEGIN in content and END in content:
        head, rest = content.split(BEGIN, 1)
        content = head + BEGIN + "\n" + text + END + rest.split(END, 1)[1]
    else:
        content += f"\n{BEGIN}\n{text}{END}\n"
    doc.write_text(content)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--kyso", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--doc")
    p.add_argument("--only", help="comma-separated parts: sign,verify,batch,growth,floors")
    args = p.parse_args()
    b = Bench(args)
    b.token()
    b.inputs()
    parts = (args.only or "sign,verify,batch,growth,floors").split(",")
    for part in ["sign", "verify", "batch", "growth", "floors"]:
        if part in parts or (part == "sign" and "verify" in parts):
            print(f"==> bench {part}", file=sys.stderr)
            {"sign": b.signing, "verify": b.validation, "batch": b.batch,
             "growth": b.growth, "floors": b.floors}[part]()
    (b.out / "results.json").write_text(json.dumps(b.results, indent=1, default=str))
    if set(parts) >= {"sign", "verify", "batch", "growth", "floors"}:
        text = b.table()
        (b.out / "results.md").write_text(text)
        print(text)
        if args.doc:
            write_doc(Path(args.doc), text)


if __name__ == "__main__":
    main()
