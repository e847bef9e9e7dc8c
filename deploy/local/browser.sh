#!/usr/bin/env bash
# Installs Debian's Chromium and its WebDriver for the browser tests (tests/Platform.WebTests), when absent.
# Run as root; idempotent and quiet: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are there.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "[browser] chromium or chromedriver missing; run this script as root to install them" >&2
  exit 1
fi
echo "[browser] installing chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
echo "[browser] $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)"
