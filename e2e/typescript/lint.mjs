// Lints an OpenAPI document with Redocly's recommended rules, as an integrator's
// tooling would, and fails on any problem, warnings included: every operation has a
// summary and states its security (`security: []` where none is needed), every
// example matches its schema, the license names its SPDX identifier.
//
//   node lint.mjs openapi.yaml
import { createConfig, lint } from '@redocly/openapi-core';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node lint.mjs OPENAPI_FILE');
  process.exit(2);
}

const config = await createConfig({
  extends: ['recommended'],
  // Examples are what integrators copy: each checked against its schema, wherever it is.
  rules: {
    'no-invalid-media-type-examples': 'error',
    'no-invalid-schema-examples': 'error',
    'no-invalid-parameter-examples': 'error',
  },
});

// The probes answer 200 or 503, never a client error: the one place where
// `operation-4xx-response` does not apply.
const probes = ['#/paths/~1healthz/', '#/paths/~1readyz/'];
const exempt = (p) =>
  p.ruleId === 'operation-4xx-response' && p.location.some((l) => probes.some((x) => l.pointer.startsWith(x)));

const problems = (await lint({ ref: file, config })).filter((p) => !exempt(p));
for (const p of problems) {
  const at = p.location.map((l) => l.pointer).join(', ');
  console.log(`${p.severity} ${p.ruleId}: ${p.message} (${at})`);
}
console.log(`${problems.length} problem(s) in ${file}`);
process.exit(problems.length === 0 ? 0 : 1);
