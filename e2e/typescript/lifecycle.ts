// A statistics request from draft to closed, through a TypeScript client generated
// from openapi.yaml alone (openapi-typescript types + openapi-fetch), compiled with
// `strict`: proof that the contract is enough for a TypeScript integrator.
//
// Usage: node lifecycle.js BASE_URL APPLICATION_JSON_FILE PASSWORD

import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type RequestView = components["schemas"]["RequestView"];
type Application = components["schemas"]["Application"];

const [base = "", appFile = "", password = ""] = process.argv.slice(2);
if (!base || !appFile || !password) throw new Error("usage: lifecycle.js BASE_URL APPLICATION_JSON PASSWORD");

function fail(what: string, error: unknown, response: Response): never {
  throw new Error(`${what}: ${response.status} ${JSON.stringify(error)}`);
}

async function signedIn(username: string) {
  const anonymous = createClient<paths>({ baseUrl: base });
  const { data, error, response } = await anonymous.POST("/api/v1/auth/login", { body: { username, password } });
  if (!data) fail(`login ${username}`, error, response);
  return createClient<paths>({ baseUrl: base, headers: { Authorization: `Bearer ${data.access_token}` } });
}

const etag = (r: RequestView) => `"${r.version}"`;

const applicant = await signedIn("applicant.npa");
const supervisor = await signedIn("supervisor.moi");
const officer = await signedIn("officer1.dgpa");
const application = JSON.parse(readFileSync(appFile, "utf8")) as Application;

// A retried create with the same Idempotency-Key is the same request.
const key = crypto.randomUUID();
const ref = `TS-${key.slice(0, 12)}`;
const create = () =>
  applicant.POST("/api/v1/requests", {
    params: { query: { external_ref: ref }, header: { "Idempotency-Key": key } },
    body: application,
  });
const first = await create();
const again = await create();
if (!first.data) fail("create", first.error, first.response);
if (again.response.headers.get("idempotent-replayed") !== "true" || again.data?.id !== first.data.id) {
  throw new Error("a retried create was not replayed");
}
let r: RequestView = first.data;
if (r.state !== "draft" || r.external_ref !== ref) throw new Error(`created as ${r.state}`);

// Lists are pages: follow next_cursor.
const found = await applicant.GET("/api/v1/requests", { params: { query: { external_ref: ref } } });
if (found.data?.items.map((i) => i.id).join() !== String(r.id)) fail("find by external_ref", found.error, found.response);
let agencies = 0;
let cursor: string | undefined;
do {
  const page = await applicant.GET("/api/v1/agencies", { params: { query: { limit: 2, cursor } } });
  if (!page.data) fail("agencies", page.error, page.response);
  agencies += page.data.items.length;
  cursor = page.data.next_cursor ?? undefined;
} while (cursor);
if (agencies < 2) throw new Error(`${agencies} agencies`);

async function step(what: string, call: Promise<{ data?: RequestView; error?: unknown; response: Response }>) {
  const { data, error, response } = await call;
  if (!data) fail(what, error, response);
  return data;
}

const id = (x: RequestView) => ({ path: { id: x.id }, header: { "If-Match": etag(x) } });
r = await step("submit", applicant.POST("/api/v1/requests/{id}/submit", { params: id(r) }));
r = await step("approve", supervisor.POST("/api/v1/requests/{id}/supervisor-decision", { params: id(r), body: { decision: "approve" } }));
r = await step("accept", officer.POST("/api/v1/requests/{id}/dgpa-decision", { params: id(r), body: { decision: "accept", difficulty: 2 } }));
if (r.state !== "queued") throw new Error(`accepted into ${r.state}`);
// The body is optional: no body takes the head of the queue for oneself. Anything
// behind it is taken out of order with a reason, recorded (rule 5.3).
const queued = await officer.GET("/api/v1/requests/{id}/queue-position", { params: { path: { id: r.id } } });
if (!queued.data) fail("queue position", queued.error, queued.response);
const skip = queued.data.position > 1 ? { skip_reason: "示範流程：依序外取件" } : undefined;
r = await step("take", officer.POST("/api/v1/requests/{id}/take", { params: id(r), body: skip }));
r = await step("deliver", officer.POST("/api/v1/requests/{id}/deliver", { params: id(r), body: { reply: "統計表如附件" } }));

// A stale If-Match is refused with a problem document, and changes nothing.
const stale = await applicant.POST("/api/v1/requests/{id}/acknowledge", { params: { path: { id: r.id }, header: { "If-Match": '"1"' } } });
if (stale.response.status !== 412 || stale.error?.code !== "precondition_failed") throw new Error(`stale: ${stale.response.status}`);
r = await step("acknowledge", applicant.POST("/api/v1/requests/{id}/acknowledge", { params: id(r) }));
if (r.state !== "closed") throw new Error(`ended ${r.state}`);
console.log(`request ${r.id} closed through the generated TypeScript client`);
