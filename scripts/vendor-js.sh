#!/usr/bin/env bash
# Re-fetch the JavaScript that `gongkai serve` bundles (the web app must work on an intranet with
# no internet, so the browser builds live in the Python package) from the npm registry, at pinned
# versions, and verify every file against the sha256 sums below before it replaces anything.
#
#   scripts/vendor-js.sh           fetch, verify, copy into src/gongkai/web/static/vendor/
#   scripts/vendor-js.sh --check   only verify the files already in the vendor directory
#
# To upgrade: change a version, run the script, read the diff of the package (changelog, CSP
# needs), then paste the new sums that the failing check prints.
set -euo pipefail

HTMX_VERSION=4.0.1
ECHARTS_VERSION=6.1.0

cd "$(dirname "$0")/.."
VENDOR=src/gongkai/web/static/vendor

# sha256 of each vendored file (names as in $VENDOR).
SUMS="\
a0abb04f2f45a1f89d1d4844023245537e5e6014c87b144553e0607b4cc32130  htmx.min.js
d3d2456f76414f2456104660ebd65aff1c04cd7966b942bdabd63f3cdb316a38  htmx.LICENSE.txt
b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0  echarts.min.js
634293835b43a6dd2094fa39182a3d9a6b9ca43b7fdb9ac354e8037af2a3093a  echarts.LICENSE.txt
d491d358344f842685c1b1585970999db65fe30ecf7ef3867af8814f4016c016  echarts.NOTICE.txt
e1211892da0b0e0585b7aebe8f98c1274fba15bafe47fa1f4ee8a7a502c06304  echarts.LICENSE-d3.txt
"

verify() { # verify DIR: every file of $SUMS in DIR matches its sum
    (cd "$1" && printf '%s' "$SUMS" | sha256sum --check --strict --quiet -) || {
        echo "vendor-js: sha256 mismatch in $1; the files there now have:" >&2
        (cd "$1" && printf '%s' "$SUMS" | awk '{print $2}' | xargs sha256sum) >&2 || true
        return 1
    }
}

if [ "${1:-}" = "--check" ]; then
    verify "$VENDOR"
    echo "vendor-js: $VENDOR OK"
    exit 0
fi

command -v npm >/dev/null || { echo "vendor-js: npm is needed (apt-get install npm)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent --ignore-scripts "htmx.org@$HTMX_VERSION" "echarts@$ECHARTS_VERSION" >/dev/null)
mkdir "$tmp/htmx" "$tmp/echarts" "$tmp/out"
tar -xzf "$tmp/htmx.org-$HTMX_VERSION.tgz" -C "$tmp/htmx"
tar -xzf "$tmp/echarts-$ECHARTS_VERSION.tgz" -C "$tmp/echarts"

# htmx 4: dist/htmx.min.js is the classic-script (IIFE) build that defines the global `htmx`
# (dist/htmx.esm*.js are ES modules; dist/htmax*.js bundles extensions).
cp "$tmp/htmx/package/dist/htmx.min.js" "$tmp/out/htmx.min.js"
cp "$tmp/htmx/package/LICENSE" "$tmp/out/htmx.LICENSE.txt"
# ECharts: the full UMD build, defines the global `echarts`. Its LICENSE points to
# licenses/LICENSE-d3 for d3 code embedded in the build (BSD-3-Clause), so that ships too.
cp "$tmp/echarts/package/dist/echarts.min.js" "$tmp/out/echarts.min.js"
cp "$tmp/echarts/package/LICENSE" "$tmp/out/echarts.LICENSE.txt"
cp "$tmp/echarts/package/NOTICE" "$tmp/out/echarts.NOTICE.txt"
cp "$tmp/echarts/package/licenses/LICENSE-d3" "$tmp/out/echarts.LICENSE-d3.txt"

verify "$tmp/out"
mkdir -p "$VENDOR"
for f in $(printf '%s' "$SUMS" | awk '{print $2}'); do
    install -m 0644 "$tmp/out/$f" "$VENDOR/$f"
done
verify "$VENDOR"
echo "vendor-js: htmx.org@$HTMX_VERSION and echarts@$ECHARTS_VERSION verified into $VENDOR"
