#!/usr/bin/env bash
# The CLV fitting benchmark of issue 9: Sextant's BG/NBD + Gamma-Gamma (sextant-bench clv, release
# build) against the `lifetimes` Python package's BetaGeoFitter + GammaGammaFitter on the very same
# one million simulated customers, one after the other on this machine. Prints both fit times, the
# speed-up, both parameter sets with the number of significant figures they agree to, Sextant's
# peak memory and its time to score one million profiles.
#
# lifetimes is installed in a throwaway virtual environment under /tmp (reused if present).
# Environment: CUSTOMERS (default 1000000), CLV_VENV, CLV_CSV, and SEXTANT_BENCH to use an
# already built benchmark binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOMERS=${CUSTOMERS:-1000000}
VENV=${CLV_VENV:-/tmp/sextant-clv-venv}
CSV=${CLV_CSV:-/tmp/sextant-clv-customers.csv}
OUT=$(mktemp -d /tmp/sextant-clv-bench.XXXXXX)

if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV"; fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check lifetimes

if [ -z "${SEXTANT_BENCH:-}" ]; then
    swift build -c release --product sextant-bench
    SEXTANT_BENCH="$(swift build -c release --show-bin-path)/sextant-bench"
fi

echo "Sextant: simulating $CUSTOMERS customers, writing $CSV, fitting and scoring..." >&2
"$SEXTANT_BENCH" clv --customers "$CUSTOMERS" --write-csv "$CSV" > "$OUT/sextant.json"

echo "lifetimes: fitting the same customers..." >&2
cat > "$OUT/lifetimes_fit.py" <<'PY'
import json
import resource
import sys
import time

import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

data = pd.read_csv(sys.argv[1])
start = time.perf_counter()
bgf = BetaGeoFitter()
bgf.fit(data["frequency"], data["recency"], data["T"])
bgnbd_seconds = time.perf_counter() - start
repeat = data[data["frequency"] > 0]
start = time.perf_counter()
ggf = GammaGammaFitter()
ggf.fit(repeat["frequency"], repeat["monetary_value"])
gamma_gamma_seconds = time.perf_counter() - start
params = ggf.params_
print(json.dumps({
    "fit_s": bgnbd_seconds + gamma_gamma_seconds,
    "bgnbd_fit_s": bgnbd_seconds,
    "gamma_gamma_fit_s": gamma_gamma_seconds,
    "bgnbd": {name: float(value) for name, value in bgf.params_.items()},
    "gamma_gamma": {"p": float(params["p"]), "q": float(params["q"]), "gamma": float(params["v"])},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
PY
"$VENV/bin/python" "$OUT/lifetimes_fit.py" "$CSV" > "$OUT/lifetimes.json"

python3 - "$OUT/sextant.json" "$OUT/lifetimes.json" <<'PY'
import json
import math
import sys

sextant = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
lifetimes = json.load(open(sys.argv[2]))

def agreement(a, b):
    """Significant figures to which two numbers agree."""
    if a == b:
        return 16
    return max(0, math.floor(-math.log10(abs(a - b) / max(abs(a), abs(b)))))

print(f"customers                 {sextant['customers']:,} ({sextant['distinct_summaries']:,} distinct summaries, {sextant['repeat_customers']:,} repeat customers)")
print(f"lifetimes fit             {lifetimes['fit_s']:.2f} s (BG/NBD {lifetimes['bgnbd_fit_s']:.2f} s, Gamma-Gamma {lifetimes['gamma_gamma_fit_s']:.2f} s)")
print(f"Sextant fit               {sextant['fit_s']:.3f} s (BG/NBD incl. grouping {sextant['bgnbd_fit_s']:.3f} s, Gamma-Gamma {sextant['gamma_gamma_fit_s']:.3f} s)")
print(f"speed-up                  {lifetimes['fit_s'] / sextant['fit_s']:.1f}x (target >= 20x)")
print(f"Sextant status            BG/NBD {sextant['bgnbd_status']}, Gamma-Gamma {sextant['gamma_gamma_status']}")
worst = 16
for model, names in (("bgnbd", ["r", "alpha", "a", "b"]), ("gamma_gamma", ["p", "q", "gamma"])):
    for name in names:
        ours, theirs = sextant[model][name], lifetimes[model][name]
        figures = agreement(ours, theirs)
        worst = min(worst, figures)
        standard_error = sextant[model + "_se"].get(name, float("nan"))
        print(f"  {name:<6} Sextant {ours:.8g} (SE {standard_error:.3g})   lifetimes {theirs:.8g}   agree to {figures} significant figures")
print(f"parameters agree to       {worst} significant figures (target >= 4)")
print(f"Sextant peak RSS          {sextant['peak_rss_mb']:.0f} MB (after fitting {sextant['peak_rss_after_fit_mb']:.0f} MB; target < 1024 MB); lifetimes {lifetimes['peak_rss_mb']:.0f} MB")
print(f"Sextant scoring           {sextant['scored_profiles']:,} profiles in {sextant['score_s']:.3f} s, {sextant['profiles_with_ranges']:,} with 90% ranges (target < 2 s)")
PY
echo "raw results: $OUT" >&2
