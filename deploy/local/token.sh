#!/usr/bin/env bash
# Prints a dev bearer token (HS256, 12 hours) for a role and subject, signed with the local development key.
#   deploy/local/token.sh recipient R-0001
#   deploy/local/token.sh counsellor            (subject defaults to "<role>-1")
#   deploy/local/token.sh payer caf-75          (the paying body, a machine client: states allocations)
# Production trusts an OpenID Connect provider instead; this key is for local runs only.
set -euo pipefail

role=${1:-}
case "$role" in
  recipient|counsellor|supervisor|auditor|payer) ;;
  *) echo "usage: $0 recipient|counsellor|supervisor|auditor|payer [SUBJECT]" >&2; exit 64 ;;
esac
subject=${2:-$role-1}
key=${PLATFORM_DEV_SIGNING_KEY:-local-development-signing-key-never-used-in-production}
issuer=${PLATFORM_TOKEN_ISSUER:-xp-rsa}
audience=${PLATFORM_TOKEN_AUDIENCE:-xp-rsa}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"%s","role":"%s","iss":"%s","aud":"%s","iat":%d,"nbf":%d,"exp":%d}' \
  "$subject" "$role" "$issuer" "$audience" "$now" "$now" $((now + 43200)) | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
