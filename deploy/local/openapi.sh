#!/usr/bin/env bash
# Regenerates the committed OpenAPI documents (docs/openapi/<service>.json) from the services' endpoints: a build with
# UpdateOpenApiDocuments=true runs ASP.NET Core's document tool on each service (no database or broker needed), then
# Spectral lints the result. Run it after changing an endpoint and commit the diff: a test fails while the documents
# the services serve differ from the committed ones.
set -euo pipefail
cd "$(dirname "$0")/../.."

for project in \
  services/Declarations/Platform.Declarations \
  services/Rules/Platform.RuleEngine \
  services/Review/Platform.Review \
  services/Allocations/Platform.Allocations \
  services/Audit/Platform.Audit; do
  echo "== $project"
  # The document tool runs only when the service's own assembly changed; a change in a shared transformer must count too.
  rm -f "$project"/obj/*.OpenApiFiles.cache
  dotnet build "$project" -c Release -v quiet -nologo -p:UpdateOpenApiDocuments=true
done

deploy/openapi/lint.sh
