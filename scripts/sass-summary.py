#!/usr/bin/env python3
"""Static summary of the row kernels' machine code, for comparing row paths
without a GPU: per kernel, the registers and spills ptxas reports, the SASS
instruction count, and the global loads / stores (and how many are 128-bit).

  nvcc -std=c++20 --expt-relaxed-constexpr -O3 -arch=sm_90 -Iinclude -cubin \\
       -Xptxas -v bench/cuda/bench_cuda.cu -o bench.cubin 2> ptxas.log
  cuobjdump -sass bench.cubin > bench.sass        # or: nvdisasm -c bench.cubin
  scripts/sass-summary.py ptxas.log bench.sass [REGEX]

REGEX filters the (shortened) kernel names. Static counts are a proxy: they
say what each row costs in issued instructions and registers (occupancy), not
how fast a kernel runs; docs/benchmarks-gpu.md has the measured rates.
"""
import re
import subprocess
import sys


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True)
    return out.stdout.splitlines() if out.returncode == 0 else list(names)


def shorten(name):
    name = re.sub(r"hyperbolic::|cuda::|ops::|void |row_kernel", "", name)
    return re.sub(r"\(.*\)$", "", name).strip()


def ptxas_info(path, arch):
    info, current, spill = {}, None, "0/0"
    for line in open(path, errors="replace"):
        m = re.search(r"Compiling entry function '(\S+)' for '(\w+)'", line)
        if m:
            current = m.group(1) if m.group(2) == arch else None
            continue
        m = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
        if m and current:
            spill = f"{m.group(1)}/{m.group(2)}"
        m = re.search(r"Used (\d+) registers", line)
        if m and current:
            info[current] = (int(m.group(1)), spill)
            current, spill = None, "0/0"
    return info


def sass_counts(path):
    text = open(path, errors="replace").read()
    # nvdisasm -c: ".section .text.<name>,..."; cuobjdump -sass: "Function : <name>".
    parts = re.split(r"\n\s*(?:\.section\s+\.text\.(\S+?),|Function : (\S+))", text)
    counts = {}
    for i in range(1, len(parts), 3):
        name = parts[i] or parts[i + 1]
        body = parts[i + 2] or ""
        ops = [re.sub(r"^@!?U?P\w+\s+", "", x).split()[0]
               for x in re.findall(r"/\*[0-9a-f]{4}\*/\s+([^;]+);", body)]
        ld = [o for o in ops if o.startswith("LDG")]
        st = [o for o in ops if o.startswith("STG")]
        counts[name] = (len(ops), len(ld), sum(".128" in o for o in ld), len(st),
                        sum(".128" in o for o in st))
    return counts


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    arch = "sm_90"
    info = ptxas_info(sys.argv[1], arch)
    counts = sass_counts(sys.argv[2])
    pattern = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
    names = sorted(set(info) | set(counts))
    rows = []
    for mangled, pretty in zip(names, demangle(names)):
        short = shorten(pretty)
        if pattern and not pattern.search(short):
            continue
        regs, spill = info.get(mangled, ("?", "?"))
        n, ld, ld128, st, st128 = counts.get(mangled, ("?",) * 5)
        rows.append((short, regs, spill, n, f"{ld} ({ld128})", f"{st} ({st128})"))
    print(f"| kernel ({arch}) | registers | spill st/ld bytes | SASS instructions | "
          "global loads (128-bit) | global stores (128-bit) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in sorted(rows):
        print("| " + " | ".join(str(c) for c in r) + " |")


if __name__ == "__main__":
    main()
