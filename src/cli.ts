#!/usr/bin/env node
/**
 * The `local-bedrock` command: `local-bedrock serve` runs the server door (HTTP/1.1 and h2c on one port).
 * Settings come from flags, then the environment, then a JSON config file, then defaults.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import packageJson from '../package.json' with { type: 'json' };
import type { BackendName } from './core/runtime.js';
import { startServer, type ServerCredentials, type StartServerOptions } from './front-doors/server.js';
import { parseModelMap, type ModelMap } from './models/model-map.js';
import { readFaultRules, readQuotaTable } from './server/fault-quota-input.js';

const HELP = `Usage: local-bedrock serve [options]

Runs Amazon Bedrock locally on one port that speaks HTTP/1.1 and cleartext HTTP/2 (h2c),
for the AWS SDKs (JS, boto3, Java, …), the AWS CLI and any HTTP client.

Options (flags win over environment variables, which win over the config file):
  --port <n>               port to listen on; 0 picks a free one    env LOCAL_BEDROCK_PORT     default 4599
  --host <address>         interface to listen on                  env LOCAL_BEDROCK_HOST     default 127.0.0.1
  --backend <name>         scripted | ollama                        env LOCAL_BEDROCK_BACKEND  default scripted
  --ollama-host <url>      where Ollama listens                     env OLLAMA_HOST            default http://127.0.0.1:11434
  --model-map <id=model,…> Bedrock model id (or prefix*) → backend model   env LOCAL_BEDROCK_MODEL_MAP
  --default-model <model>  backend model for ids no map names       env LOCAL_BEDROCK_DEFAULT_MODEL
  --faults <json|file>     fault rules from the start: one rule or a list, as JSON or a JSON file
                           e.g. '[{"operation":"Converse","error":"ThrottlingException","times":2}]'
                                                                     env LOCAL_BEDROCK_FAULTS (JSON)
  --quotas <json|file>     on-demand quotas by model id or prefix*, as JSON or a JSON file
                           e.g. '{"anthropic.*":{"requestsPerMinute":50,"tokensPerMinute":200000}}'
                                                                     env LOCAL_BEDROCK_QUOTAS (JSON)
  --config <file.json>     config file: { port, host, backend, ollamaHost, modelMap, defaultModel,
                           verifySignatures, credentials, shutdownGraceMs, faults, faultSeed,
                           quotas }                                  env LOCAL_BEDROCK_CONFIG
  --verify-signatures      verify SigV4 signatures against the config file's "credentials"
                           (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)   env LOCAL_BEDROCK_VERIFY_SIGNATURES=1
  --quiet                  no request log lines
  -h, --help               this help
  -v, --version            the version

Then point clients at it:  AWS_ENDPOINT_URL=http://127.0.0.1:4599

Change faults and quotas while it runs (plain HTTP, no signature needed, like /health):
  POST   /_local-bedrock/faults   one rule or a list → 201 {"rules": [...]}; an invalid rule → 400
  GET    /_local-bedrock/faults   the active rules, newest first
  DELETE /_local-bedrock/faults   removes every rule
  PUT    /_local-bedrock/quotas   replaces the quota table (and forgets usage)
  DELETE /_local-bedrock/quotas   removes every quota
  e.g. curl -X POST localhost:4599/_local-bedrock/faults -d '{"operation":"Converse","error":"ThrottlingException","times":1}'
  A fault rule: { operation?, modelId?, calls?, times?, probability?, latencyMs?, and one of
  error (+ message?, retryAfterSeconds?), streamCut: { afterEvents, exception }, dropConnection: true | { afterEvents } }.
`;

/** What a config file may hold. */
interface ConfigFile {
  port?: number;
  host?: string;
  backend?: BackendName;
  ollamaHost?: string;
  modelMap?: ModelMap | string;
  defaultModel?: string;
  verifySignatures?: boolean;
  credentials?: ServerCredentials[];
  shutdownGraceMs?: number;
  faults?: unknown;
  faultSeed?: number;
  quotas?: unknown;
}

class UsageError extends Error {}

function readConfig(path: string | undefined): ConfigFile {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the config file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`The config file ${path} must hold a JSON object.`);
  return parsed as ConfigFile;
}

function toPort(value: string | number | undefined, source: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${source}: "${value}" is not a port (0–65535).`);
  return port;
}

function toBackend(value: string | undefined, source: string): BackendName | undefined {
  if (value === undefined || value === '') return undefined;
  if (value !== 'scripted' && value !== 'ollama') throw new UsageError(`${source}: unknown backend "${value}"; use scripted or ollama.`);
  return value;
}

/** A flag's value that is JSON itself, or the path of a JSON file. */
function readJsonArgument(value: string, flag: string): unknown {
  const inline = /^\s*[[{]/.test(value);
  let text = value;
  if (!inline) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (error) {
      throw new UsageError(`${flag}: "${value}" is neither JSON nor a readable file (${error instanceof Error ? error.message : String(error)}).`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${inline ? 'the value' : value} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Checks JSON-given faults or quotas, reporting a problem as a usage error that names where it came from. */
function checked<T>(read: (value: unknown) => T, value: unknown, source: string): T {
  try {
    return read(value);
  } catch (error) {
    throw new UsageError(`${source}: ${error instanceof Error ? error.message.replace(/^\[local-bedrock\] /, '') : String(error)}`);
  }
}

const isTrue = (value: string | undefined) => value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());

/** Flags > environment > config file > defaults, for every setting. */
function resolveOptions(argv: string[], env: NodeJS.ProcessEnv): { options: StartServerOptions; quiet: boolean } {
  const { values: flags } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      backend: { type: 'string' },
      'ollama-host': { type: 'string' },
      'model-map': { type: 'string' },
      'default-model': { type: 'string' },
      config: { type: 'string' },
      faults: { type: 'string' },
      quotas: { type: 'string' },
      'verify-signatures': { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    strict: true,
  });
  const config = readConfig(flags.config ?? env.LOCAL_BEDROCK_CONFIG);
  const configMap = typeof config.modelMap === 'string' ? parseModelMap(config.modelMap, 'the config file\'s "modelMap"') : (config.modelMap ?? {});
  const modelMap = {
    ...configMap,
    ...parseModelMap(env.LOCAL_BEDROCK_MODEL_MAP, 'LOCAL_BEDROCK_MODEL_MAP'),
    ...parseModelMap(flags['model-map'], '--model-map'),
  };
  const ollamaHost = flags['ollama-host'] ?? env.OLLAMA_HOST ?? config.ollamaHost;
  const options: StartServerOptions = {
    port: toPort(flags.port, '--port') ?? toPort(env.LOCAL_BEDROCK_PORT, 'LOCAL_BEDROCK_PORT') ?? toPort(config.port, 'config "port"'),
    host: flags.host ?? (env.LOCAL_BEDROCK_HOST || config.host),
    backend: toBackend(flags.backend, '--backend') ?? toBackend(env.LOCAL_BEDROCK_BACKEND, 'LOCAL_BEDROCK_BACKEND') ?? toBackend(config.backend, 'config "backend"'),
    modelMap,
    defaultModel: flags['default-model'] ?? env.LOCAL_BEDROCK_DEFAULT_MODEL ?? config.defaultModel,
    ...(ollamaHost ? { ollama: { host: ollamaHost } } : {}),
    shutdownGraceMs: config.shutdownGraceMs,
  };
  // The environment's LOCAL_BEDROCK_FAULTS / LOCAL_BEDROCK_QUOTAS are read by the runtime itself: leave the options unset for them.
  if (flags.faults !== undefined) options.faults = checked(readFaultRules, readJsonArgument(flags.faults, '--faults'), '--faults');
  else if (!env.LOCAL_BEDROCK_FAULTS?.trim() && config.faults !== undefined) options.faults = checked(readFaultRules, config.faults, 'config "faults"');
  if (flags.quotas !== undefined) options.quotas = checked(readQuotaTable, readJsonArgument(flags.quotas, '--quotas'), '--quotas');
  else if (!env.LOCAL_BEDROCK_QUOTAS?.trim() && config.quotas !== undefined) options.quotas = checked(readQuotaTable, config.quotas, 'config "quotas"');
  if (!env.LOCAL_BEDROCK_FAULT_SEED?.trim() && config.faultSeed !== undefined) {
    if (typeof config.faultSeed !== 'number' || !Number.isFinite(config.faultSeed)) throw new UsageError(`config "faultSeed": ${JSON.stringify(config.faultSeed)} is not a number.`);
    options.faultSeed = config.faultSeed;
  }
  const verify = flags['verify-signatures'] ?? (env.LOCAL_BEDROCK_VERIFY_SIGNATURES !== undefined ? isTrue(env.LOCAL_BEDROCK_VERIFY_SIGNATURES) : config.verifySignatures);
  if (verify) {
    const fromEnv = env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY ? [{ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }] : [];
    const credentials = config.credentials?.length ? config.credentials : fromEnv;
    if (credentials.length === 0) {
      throw new UsageError('--verify-signatures needs credentials: a "credentials" list in the config file, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.');
    }
    options.verifySignatures = { credentials };
  }
  return { options, quiet: flags.quiet ?? false };
}

async function serve(argv: string[]): Promise<void> {
  const { options, quiet } = resolveOptions(argv, process.env);
  const server = await startServer({ ...options, log: quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`) });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`[local-bedrock] ${signal} again: exiting without waiting.`);
      process.exit(1);
    }
    stopping = true;
    console.log(`[local-bedrock] ${signal}: finishing requests in flight, then stopping…`);
    server.close().then(
      () => {
        console.log('[local-bedrock] stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[local-bedrock] error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Only now: whoever waits for the banner may signal at once, and must find the handlers in place.
  console.log(server.banner);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    if (command === undefined) process.exitCode = 1;
    return;
  }
  if (command === '-v' || command === '--version') {
    console.log(packageJson.version);
    return;
  }
  if (command !== 'serve') throw new UsageError(`Unknown command "${command}".`);
  if (rest.includes('-h') || rest.includes('--help')) {
    process.stdout.write(HELP);
    return;
  }
  await serve(rest);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  const message =
    code === 'EADDRINUSE' ? `${error instanceof Error ? error.message : ''}: the port is taken; pick another with --port (0 picks a free one).` : error instanceof Error ? error.message : String(error);
  // parseArgs reports unknown flags with a TypeError carrying an ERR_PARSE_ARGS_* code: a usage problem too.
  const usage = error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS');
  console.error(`local-bedrock: ${message.replace(/^\[local-bedrock\] /, '')}${usage ? '\nRun `local-bedrock --help` for the options.' : ''}`);
  process.exitCode = 1;
});
