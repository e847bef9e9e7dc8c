#!/usr/bin/env bash
# Renders one letter of each kind the review service sends as a PNG under docs/letters/, from a real run:
# LetterSpecimenTests (tests/Platform.IntegrationTests/Review) produces the letters on the real servers and writes the
# PDFs under artifacts/letters/; pdftoppm (Debian's poppler-utils) renders each first page at 60 dpi.
# Needs the servers of servers.sh, like test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v pdftoppm >/dev/null; then
  [ "$(id -u)" -eq 0 ] || { echo "pdftoppm is missing: apt-get install poppler-utils" >&2; exit 1; }
  apt-get install -y -q poppler-utils >/dev/null
fi
export PLATFORM_TEST_POSTGRES="${PLATFORM_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=platform_test;Password=platform_test;Database=postgres}"
export PLATFORM_TEST_RABBITMQ="${PLATFORM_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:5672}"
export PLATFORM_TEST_RABBITMQ_MANAGEMENT="${PLATFORM_TEST_RABBITMQ_MANAGEMENT:-http://guest:guest@127.0.0.1:15672}"
export PLATFORM_TEST_SMTP="${PLATFORM_TEST_SMTP:-127.0.0.1:2525}"
export PLATFORM_TEST_SMTP_API="${PLATFORM_TEST_SMTP_API:-http://127.0.0.1:5025}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rm -rf artifacts/letters
dotnet test tests/Platform.IntegrationTests -c Release -nologo --disable-build-servers --filter "FullyQualifiedName~LetterSpecimenTests"
mkdir -p docs/letters
for pdf in artifacts/letters/*.pdf; do
  name=$(basename "$pdf" .pdf)
  pdftoppm -png -r 60 -singlefile "$pdf" "docs/letters/$name"
  echo "docs/letters/$name.png"
done
