#!/usr/bin/env bash
# Loads a small, realistic data set into a running platform (deploy/local/up.sh --demo calls it):
# 36 recipients in three départements (DEMO-001…012 in Paris, 75; 013…024 in Seine-Saint-Denis, 93; 025…036 in the
# Bouches-du-Rhône, 13) with engagements (15 h, some reduced to 10 h or 0 h), six weeks of declarations with a few
# shortfalls, and monthly allocations with household facts. Everything goes through the public API, as people would.
# Safe to run twice: re-sending the same declarations and settings creates nothing new.
set -euo pipefail
cd "$(dirname "$0")/../.."

DECLARATIONS=${DECLARATIONS_URL:-http://127.0.0.1:5101}
ALLOCATIONS=${ALLOCATIONS_URL:-http://127.0.0.1:5104}
counsellor=$(deploy/local/token.sh counsellor demo-counsellor 75 93 13)   # works for the three départements
payer=$(deploy/local/token.sh payer demo-caf)
categories=(job-search training workshop work-immersion employment volunteering rights-access business-creation)

put() { # url token json
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3")
  case "$status" in 200|201) ;; *) echo "[demo] PUT $1 answered $status" >&2; return 1 ;; esac
}

today=$(date -u +%F)
this_monday=$(date -u -d "$today -$(( $(date -u +%u) - 1 )) days" +%F)
first_week=$(date -u -d "$this_monday -7 weeks" +%G-W%V)
month=$(date -u +%Y-%m)

for i in $(seq 1 36); do
  rid=$(printf 'DEMO-%03d' "$i")
  departements=(75 93 13); departement=${departements[$(( (i - 1) / 12 ))]}
  hours=15; reason=null
  (( i % 9 == 0 )) && hours=0 && reason='"health"'   # the reason stays in the declarations service, never published
  (( i % 5 == 0 )) && hours=10 && reason='"lone-parent-without-childcare"'
  put "$DECLARATIONS/api/recipients/$rid/engagement" "$counsellor" "{\"hoursPerWeek\":$hours,\"fromWeek\":\"$first_week\",\"reductionReason\":$reason,\"departement\":\"$departement\"}"
  size=$(( 1 + i % 4 )); lone=false; (( i % 7 == 0 )) && lone=true && size=2
  put "$ALLOCATIONS/api/recipients/$rid/allocation" "$payer" \
    "{\"monthlyBaseAmount\":646.52,\"householdSize\":$size,\"loneParentIncrease\":$lone,\"fromMonth\":\"$month\"}"

  recipient=$(deploy/local/token.sh recipient "$rid")
  for back in 6 5 4 3 2 1; do
    monday=$(date -u -d "$this_monday -$back weeks" +%F)
    week=$(date -u -d "$monday" +%G-W%V)
    # Most weeks meet the engagement; every fourth recipient falls short three weeks running.
    per_day=3; (( i % 4 == 0 && back <= 3 )) && per_day=1
    (( i % 11 == 0 && back == 2 )) && continue   # a week never declared
    activities=""
    for day in 0 1 2 3 4; do
      date=$(date -u -d "$monday +$day days" +%F)
      category=${categories[$(( (i + day + back) % ${#categories[@]} ))]}
      activities+="{\"category\":\"$category\",\"date\":\"$date\",\"hours\":$per_day},"
    done
    put "$DECLARATIONS/api/recipients/$rid/declarations/$week" "$recipient" "{\"activities\":[${activities%,}]}"
  done
done
echo "[demo] 36 recipients (DEMO-001 … DEMO-036: 75, 93, 13), six weeks of declarations from $first_week, allocations from $month"
