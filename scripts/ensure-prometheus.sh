#!/usr/bin/env bash
# The metrics tests query a real Prometheus (PromQL is what they test). Install Debian's package when it
# is missing and we may (root with apt-get); otherwise say how, and let those suites fail loudly.
set -u
if command -v prometheus >/dev/null 2>&1 || [ -x /usr/bin/prometheus ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "kanari: installing Prometheus (Debian package 'prometheus') for the metrics tests" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends prometheus >/dev/null \
    && exit 0
  echo "kanari: could not install Prometheus with apt-get" >&2
else
  echo "kanari: Prometheus is not installed; the metrics tests need it: sudo apt-get install prometheus" >&2
fi
exit 0
