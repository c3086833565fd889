#!/usr/bin/env bash
# Smoke-tests the package as users get it: `npm pack` → install the tarball into a fresh project → import it
# from ESM and require it from CJS, check the runtime exports, and run one Converse and one ConverseStream
# through `localBedrock()` with the real AWS SDK. Also runs publint on the repo.
#
# Builds nothing: run `npm run build` first.     Usage: bash scripts/smoke-packed.sh
# KEEP_TMP=1 keeps the temporary directory for inspection.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'smoke-packed: %s\n' "$*" >&2; exit 1; }

[[ -f dist/index.js && -f dist/index.cjs && -f dist/index.d.ts ]] || fail "dist/ is missing or incomplete; run \`npm run build\` first."

tmp="$(mktemp -d "${TMPDIR:-/tmp}/local-bedrock-smoke.XXXXXX")"
cleanup() { if [[ "${KEEP_TMP:-}" == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT

# Use the SDK version the repo develops against, so resolution holds no surprises.
sdk_version="$(node -p "require('./node_modules/@aws-sdk/client-bedrock-runtime/package.json').version")"

# The runtime (non-type) names src/index.ts exports, e.g. `export { a, b } from` but not `export type {…}`.
exports_json="$(node -e '
  const source = require("fs").readFileSync("src/index.ts", "utf8");
  const names = [];
  for (const [, list] of source.matchAll(/^export\s*\{([^}]*)\}\s*from/gm)) {
    for (let name of list.split(",")) {
      name = name.trim();
      if (!name || name.startsWith("type ")) continue;
      names.push(name.split(/\s+as\s+/).pop().trim());
    }
  }
  if (names.length === 0) throw new Error("found no runtime exports in src/index.ts");
  console.log(JSON.stringify(names));
')"

step "publint"
npx --no-install publint

step "npm pack"
tarball="$tmp/$(npm pack --silent --pack-destination "$tmp" | tail -n 1)"
[[ -f "$tarball" ]] || fail "npm pack produced no tarball"
echo "packed $(basename "$tarball"): $(tar -tzf "$tarball" | sed 's#^package/##' | sort | tr '\n' ' ')"

step "install into a fresh project (@aws-sdk/client-bedrock-runtime@$sdk_version)"
project="$tmp/project"
mkdir -p "$project"
cd "$project"
npm init -y >/dev/null
msw_version="$(node -p "require('$repo/node_modules/msw/package.json').version")"
npm install --no-audit --no-fund "$tarball" "@aws-sdk/client-bedrock-runtime@$sdk_version" "msw@$msw_version"

# One body for both module systems; only the way the two packages are loaded differs.
check_body='
const expected = JSON.parse(process.env.EXPECTED_EXPORTS);
const missing = expected.filter((name) => lb[name] === undefined);
if (missing.length) throw new Error(`missing runtime exports: ${missing.join(", ")}`);
const notFunctions = expected.filter((name) => /^[a-z]|^[A-Z][a-z]/.test(name) && typeof lb[name] !== "function");
if (notFunctions.length) throw new Error(`exports that should be functions or classes are not: ${notFunctions.join(", ")}`);
console.log(`${FORMAT}: ${expected.length} runtime exports present`);

const client = new sdk.BedrockRuntimeClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
client.middlewareStack.use(lb.localBedrock());
const input = {
  modelId: "anthropic.claude-3-haiku-20240307-v1:0",
  messages: [{ role: "user", content: [{ text: "Say hello from the packed package." }] }],
};

const converse = await client.send(new sdk.ConverseCommand(input));
const text = converse.output?.message?.content?.map((part) => part.text ?? "").join("");
if (!text) throw new Error(`Converse returned no text: ${JSON.stringify(converse)}`);
if (!converse.stopReason || !converse.usage) throw new Error("Converse answer lacks stopReason or usage");
console.log(`${FORMAT} Converse (${converse.stopReason}): ${text}`);

const stream = await client.send(new sdk.ConverseStreamCommand(input));
let streamed = "";
const kinds = new Set();
for await (const event of stream.stream) {
  for (const kind of Object.keys(event)) kinds.add(kind);
  streamed += event.contentBlockDelta?.delta?.text ?? "";
}
for (const kind of ["messageStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata"]) {
  if (!kinds.has(kind)) throw new Error(`ConverseStream sent no ${kind} event (got ${[...kinds].join(", ")})`);
}
if (!streamed) throw new Error("ConverseStream streamed no text");
console.log(`${FORMAT} ConverseStream: ${streamed}`);

// local-bedrock/server: one Converse over the default HTTP/2 handler of the SDK.
const server = await serverEntry.startServer({ port: 0 });
try {
  const remote = new sdk.BedrockRuntimeClient({ endpoint: server.url, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  const answer = await remote.send(new sdk.ConverseCommand(input));
  if (!answer.output?.message?.content?.length) throw new Error("the server answered no message");
  remote.destroy();
} finally {
  await server.close();
}
console.log(`${FORMAT} local-bedrock/server: answered over HTTP/2`);

// local-bedrock/msw: handlers exist; their fetch handler answers a plain Request.
if (!Array.isArray(mswEntry.bedrockHandlers()) || typeof mswEntry.createFetchHandler !== "function") throw new Error("local-bedrock/msw lacks its exports");
const response = await mswEntry.createFetchHandler()(new Request("https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: input.messages }),
}));
if (response.status !== 200 || !(await response.json()).output) throw new Error(`local-bedrock/msw fetch handler answered ${response.status}`);
console.log(`${FORMAT} local-bedrock/msw: handlers and fetch handler work`);

// local-bedrock/tokens: the tokenizer of an exact family loads from the installed package.
const counted = await tokensEntry.countTokens("meta.llama3-1-8b-instruct-v1:0", { text: "Hello world!" });
if (counted.inputTokens !== 3 || !counted.exact) throw new Error(`local-bedrock/tokens counted ${JSON.stringify(counted)}`);
console.log(`${FORMAT} local-bedrock/tokens: ${counted.tokenizer} counts 3 tokens`);

// local-bedrock/guardrails: the policy engine runs without any SDK.
const evaluation = await guardrailsEntry.evaluateGuardrail(
  { blockedInputMessaging: "No.", blockedOutputsMessaging: "No.", wordPolicy: { words: [{ text: "falcon" }] } },
  { source: "INPUT", content: [{ text: { text: "Tell me about project Falcon." } }] },
);
if (evaluation.action !== "GUARDRAIL_INTERVENED") throw new Error(`local-bedrock/guardrails did not intervene: ${JSON.stringify(evaluation)}`);
console.log(`${FORMAT} local-bedrock/guardrails: a custom word is blocked`);

// local-bedrock/batch: the memory storage keeps JSONL records.
const storage = batchEntry.createMemoryStorage();
storage.put("s3://input-bucket/records.jsonl", [{ recordId: "CALL0000001" }]);
if (storage.getJsonLines("s3://input-bucket/records.jsonl")[0]?.recordId !== "CALL0000001") throw new Error("local-bedrock/batch lost a record");
console.log(`${FORMAT} local-bedrock/batch: memory storage round trip`);

// local-bedrock/vitest needs a running vitest; here it only has to resolve to a file.
console.log(`${FORMAT} local-bedrock/vitest resolves to ${RESOLVE("local-bedrock/vitest").split("node_modules/")[1]}`);
'

cat >smoke.mjs <<EOF
import * as lb from 'local-bedrock';
import * as serverEntry from 'local-bedrock/server';
import * as mswEntry from 'local-bedrock/msw';
import * as tokensEntry from 'local-bedrock/tokens';
import * as guardrailsEntry from 'local-bedrock/guardrails';
import * as batchEntry from 'local-bedrock/batch';
import * as sdk from '@aws-sdk/client-bedrock-runtime';
import { fileURLToPath } from 'node:url';
const FORMAT = 'ESM';
const RESOLVE = (name) => fileURLToPath(import.meta.resolve(name));
$check_body
EOF

cat >smoke.cjs <<EOF
const lb = require('local-bedrock');
const serverEntry = require('local-bedrock/server');
const mswEntry = require('local-bedrock/msw');
const tokensEntry = require('local-bedrock/tokens');
const guardrailsEntry = require('local-bedrock/guardrails');
const batchEntry = require('local-bedrock/batch');
const sdk = require('@aws-sdk/client-bedrock-runtime');
const FORMAT = 'CJS';
const RESOLVE = (name) => require.resolve(name);
(async () => {
$check_body
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
EOF

export EXPECTED_EXPORTS="$exports_json"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

step "ESM (import)"
node smoke.mjs

step "CJS (require)"
node smoke.cjs

step "bin"
npx --no-install local-bedrock --version

step "smoke-packed: OK"
