#!/usr/bin/env bash
# Prints a bearer token from the local OpenID Connect provider (services/Identity, started by up.sh) for a role and
# subject, through its development grant (which the provider refuses outside Development). Agents (counsellor,
# supervisor, auditor) are given the départements they work for: INSEE codes, or * for a national role.
#   deploy/local/token.sh recipient R-0001
#   deploy/local/token.sh counsellor agent-claire 75 93      (or 75,93)
#   deploy/local/token.sh auditor auditor-ines '*'           (a national auditor)
#   deploy/local/token.sh payer caf-75          (the paying body, a machine client: states allocations)
# The token is for every API (one audience each) and lives as long as the provider's Provider:AccessTokenLifetime.
set -euo pipefail

role=${1:-}
case "$role" in
  recipient|counsellor|supervisor|auditor|payer) ;;
  *) echo "usage: $0 recipient|counsellor|supervisor|auditor|payer [SUBJECT [DEPARTEMENT...]]" >&2; exit 64 ;;
esac
subject=${2:-$role-1}
shift $(( $# < 2 ? $# : 2 ))
case "$role" in
  counsellor|supervisor|auditor) if [ $# -eq 0 ]; then
      echo "an agent works for départements: $0 $role $subject 75 [93 …] (INSEE codes, or '*' for a national role)" >&2; exit 64
    fi ;;
esac
provider=${PLATFORM_IDENTITY_URL:-http://127.0.0.1:5099}

answer=$(curl -sS -X POST "$provider/connect/token" \
  --data-urlencode "grant_type=urn:xp-rsa:grant-type:development" \
  --data-urlencode "client_id=local-tools" \
  --data-urlencode "role=$role" \
  --data-urlencode "subject=$subject" \
  --data-urlencode "departements=$*") || { echo "the identity provider does not answer at $provider (deploy/local/up.sh starts it)" >&2; exit 69; }
token=$(jq -r '.access_token // empty' <<<"$answer")
if [ -z "$token" ]; then
  echo "the identity provider refused: $answer" >&2
  exit 1
fi
printf '%s\n' "$token"
