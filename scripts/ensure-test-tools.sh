#!/usr/bin/env bash
# Tools the tests run for real, from Debian's packages: Prometheus (the metrics suites query it: PromQL is
# what they test) and Chromium (the dashboard suites drive it headless through playwright-core, which
# brings no browser of its own). Install what is missing when we may (root with apt-get); otherwise say
# how, and let those suites fail loudly.
set -u
missing=()
if ! command -v prometheus >/dev/null 2>&1 && [ ! -x /usr/bin/prometheus ]; then missing+=(prometheus); fi
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "kanari: installing ${missing[*]} (Debian packages) for the tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    && exit 0
  echo "kanari: could not install ${missing[*]} with apt-get" >&2
else
  echo "kanari: ${missing[*]} not installed; the tests need them: sudo apt-get install ${missing[*]}" >&2
fi
exit 0
