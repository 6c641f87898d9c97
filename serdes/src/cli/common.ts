/**
 * What the `serdes` commands share: argument parsing (node:util parseArgs), the registry connection
 * (`--registry` / SCHEMA_REGISTRY_URL, `--user` / SCHEMA_REGISTRY_USER_INFO), output in text or `--json`,
 * exit codes, and keeping secrets out of everything printed.
 *
 * Exit codes: 0 success; 1 a check failed (incompatible schema, registration refused, invalid schema);
 * 2 usage or I/O error (bad flags, unreadable file, registry unreachable or refusing the credentials).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RegistryClient } from '../client/client.js';
import { RegistryError } from '../client/errors.js';
import type { SchemaType } from '../formats/format.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error that ends the command with `exitCode` (2 unless said otherwise) and a one-line message. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** Where a command writes; tests and the dispatcher pass process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where `serdes produce` reads records (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

export function processIo(): Io {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Runs `parseArgs` (strict, positionals allowed); its errors become usage errors naming the command. */
export function parseOrFail<T>(command: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e);
    throw new CliError(`${command}: ${msg}`);
  }
}

/** Options every registry command takes. */
export const REGISTRY_OPTIONS = {
  registry: { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const REGISTRY_HELP = `Registry:
  --registry <url>      registry base URL (or SCHEMA_REGISTRY_URL); several comma-separated URLs fail over
  --user <user:pass>    basic auth (or SCHEMA_REGISTRY_USER_INFO; prefer the variable: arguments are visible
                        to other processes). Credentials are never printed.
Output:
  --json                one JSON document on stdout instead of text
Exit codes: 0 ok, 1 incompatible / refused by the registry, 2 usage or I/O error.
`;

/** Strings that must never be printed (passwords, user:pass pairs, their base64). */
export class Secrets {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    if (!value) return;
    this.values.add(value);
    this.values.add(Buffer.from(value, 'utf8').toString('base64'));
    this.values.add(encodeURIComponent(value));
  }

  redact(text: string): string {
    let out = text;
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      // Very short values are not worth hiding (and would garble the output); they are never printed anyway.
      if (v.length >= 4) out = out.split(v).join('***');
    }
    return out;
  }
}

export interface Registry {
  client: RegistryClient;
  /** The URL(s) without credentials, for messages. */
  label: string;
}

/** The registry client from `--registry`/`--user` or the environment. */
export function connect(command: string, values: { registry?: string | undefined; user?: string | undefined }, io: Io, secrets: Secrets): Registry {
  const raw = values.registry ?? io.env.SCHEMA_REGISTRY_URL;
  if (!raw) throw new CliError(`${command}: no registry: pass --registry <url> or set SCHEMA_REGISTRY_URL`);
  const userInfo = values.user ?? io.env.SCHEMA_REGISTRY_USER_INFO ?? io.env.SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO;
  const urls = raw.split(',').map((u) => u.trim()).filter((u) => u !== '');
  const labels: string[] = [];
  for (const u of urls) {
    try {
      const url = new URL(u);
      if (url.username || url.password) {
        secrets.add(decodeURIComponent(url.password));
        secrets.add(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`);
        url.username = '';
        url.password = '';
      }
      labels.push(url.toString().replace(/\/+$/, ''));
    } catch {
      throw new CliError(`${command}: invalid registry URL ${JSON.stringify(secrets.redact(u))}`);
    }
  }
  let basicAuth: string | undefined;
  if (userInfo !== undefined && userInfo !== '') {
    if (!userInfo.includes(':')) throw new CliError(`${command}: --user must be user:password`);
    secrets.add(userInfo);
    secrets.add(userInfo.slice(userInfo.indexOf(':') + 1));
    basicAuth = userInfo;
  }
  try {
    const client = new RegistryClient({
      baseUrls: urls,
      ...(basicAuth !== undefined ? { basicAuth } : {}),
      maxRetries: 1,
      retryBackoffMs: 200,
      timeoutMs: 30_000,
      latestCacheTtlMs: 0,
    });
    return { client, label: labels.join(', ') };
  } catch (e) {
    throw new CliError(`${command}: ${secrets.redact(e instanceof Error ? e.message : String(e))}`);
  }
}

/**
 * The exit code for a registry failure: no answer, 5xx and refused credentials are I/O errors (2); any
 * other answer is the registry refusing what was asked (1).
 */
export function exitCodeFor(e: unknown): number {
  if (e instanceof RegistryError) {
    if (e.status === 0 || e.status === 401 || e.status === 403 || e.status >= 500) return EXIT_USAGE;
    return EXIT_FAILED;
  }
  if (e instanceof CliError) return e.exitCode;
  return EXIT_USAGE;
}

/** An error in JSON output. */
export interface ErrorJson {
  message: string;
  status?: number;
  errorCode?: number;
}

/** An error as `{ message, status?, errorCode? }` for JSON output. */
export function errorJson(e: unknown, secrets: Secrets): ErrorJson {
  if (e instanceof RegistryError) {
    const out: ErrorJson = { message: secrets.redact(e.message) };
    if (e.status > 0) out.status = e.status;
    if (e.errorCode > 0) out.errorCode = e.errorCode;
    return out;
  }
  return { message: secrets.redact(e instanceof Error ? e.message : String(e)) };
}

/** One line describing an error (registry errors with their status and code). */
export function errorText(e: unknown, secrets: Secrets): string {
  const j = errorJson(e, secrets);
  if (j.status === undefined) return j.message;
  return `${j.message} (HTTP ${j.status}${j.errorCode !== undefined && j.errorCode !== j.status ? `, error code ${j.errorCode}` : ''})`;
}

const TYPE_BY_EXTENSION: Record<string, SchemaType> = { '.avsc': 'AVRO', '.proto': 'PROTOBUF', '.json': 'JSON' };
export const EXTENSION_BY_TYPE: Record<SchemaType, string> = { AVRO: '.avsc', PROTOBUF: '.proto', JSON: '.json' };

/** `avro`, `AVRO`, `protobuf`, `proto`, `json`, `jsonschema` → the schema type. */
export function parseSchemaType(command: string, text: string): SchemaType {
  const t = text.trim().toUpperCase().replace(/[-_ ]/g, '');
  if (t === 'AVRO') return 'AVRO';
  if (t === 'PROTOBUF' || t === 'PROTO') return 'PROTOBUF';
  if (t === 'JSON' || t === 'JSONSCHEMA') return 'JSON';
  throw new CliError(`${command}: unknown schema type ${JSON.stringify(text)} (AVRO, PROTOBUF or JSON)`);
}

/** The schema type of a file: `explicit` if given, else from the extension. */
export function schemaTypeOf(command: string, file: string, explicit: string | undefined): SchemaType {
  if (explicit !== undefined) return parseSchemaType(command, explicit);
  const ext = /\.[^./\\]+$/.exec(file)?.[0]?.toLowerCase() ?? '';
  const type = TYPE_BY_EXTENSION[ext];
  if (type === undefined) {
    throw new CliError(`${command}: cannot tell the schema type of ${file} from its extension (.avsc, .proto, .json): pass --type`);
  }
  return type;
}

/** Prints either text (stdout, or stderr for errors) or, with `--json`, the final document only. */
export class Output {
  constructor(
    private readonly io: Io,
    private readonly json: boolean,
    private readonly secrets: Secrets,
  ) {}

  line(text: string): void {
    if (!this.json) this.io.stdout(`${this.secrets.redact(text)}\n`);
  }

  warn(text: string): void {
    this.io.stderr(`${this.secrets.redact(text)}\n`);
  }

  document(value: unknown): void {
    if (this.json) this.io.stdout(`${this.secrets.redact(JSON.stringify(value, null, 2))}\n`);
  }
}

/** Runs a command body, turning errors into a message and an exit code (and a JSON error document with --json). */
export async function guard(command: string, io: Io, json: boolean, secrets: Secrets, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code = exitCodeFor(e);
    const text = e instanceof CliError ? secrets.redact(e.message) : `${command}: ${errorText(e, secrets)}`;
    if (json) io.stdout(`${JSON.stringify({ ok: false, error: { ...errorJson(e, secrets), message: text } }, null, 2)}\n`);
    io.stderr(`${text}\n`);
    return code;
  }
}

type CommandOptions = NonNullable<ParseArgsConfig['options']>;
type CommandConfig<O extends CommandOptions> = { args: string[]; allowPositionals: true; strict: true; options: typeof REGISTRY_OPTIONS & O };

/** A command's parsed arguments: the registry options, its own `O`, and the positionals. */
export type CommandArgs<O extends CommandOptions> = ReturnType<typeof parseArgs<CommandConfig<O>>>;

/** What a command body prints through, and the secrets it must keep out of what it prints. */
export interface CommandContext {
  out: Output;
  secrets: Secrets;
}

/**
 * The frame of every command: parses `argv` (the registry options plus `options`), prints `help` for
 * `--help`, else runs `body` under `guard` (errors become a message and an exit code).
 */
export async function runCommand<const O extends CommandOptions>(
  command: string,
  argv: string[],
  io: Io,
  spec: { help: string; options: O },
  body: (args: CommandArgs<O>, context: CommandContext) => Promise<number>,
): Promise<number> {
  const config: CommandConfig<O> = { args: argv, allowPositionals: true, strict: true, options: { ...REGISTRY_OPTIONS, ...spec.options } };
  const args = parseOrFail(command, () => parseArgs(config));
  // The registry options are in every command's values (TypeScript cannot see it through the generic O).
  const { help, json } = args.values as { help: boolean; json: boolean };
  if (help) {
    io.stdout(spec.help);
    return EXIT_OK;
  }
  const secrets = new Secrets();
  const out = new Output(io, json, secrets);
  return guard(command, io, json, secrets, () => body(args, { out, secrets }));
}

/** The registry client of a command that talks to one, announced on the first line of text output. */
export function connectAndAnnounce(command: string, values: { registry?: string | undefined; user?: string | undefined }, io: Io, context: CommandContext): Registry {
  const registry = connect(command, values, io, context.secrets);
  context.out.line(`registry ${registry.label}`);
  return registry;
}

/**
 * A failure of one subject of a command that goes through several: the error goes into the subject's JSON
 * result and a `<label> <subject> (<file>): <error>` line to stderr; answers the exit code it calls for.
 */
export function subjectFailure(
  label: string,
  spec: { subject: string; display: string },
  result: { error?: ErrorJson },
  e: unknown,
  context: CommandContext,
): number {
  result.error = errorJson(e, context.secrets);
  context.out.warn(`${label} ${spec.subject} (${spec.display}): ${errorText(e, context.secrets)}`);
  return exitCodeFor(e);
}

/** `a=b` split at the first `=`. */
export function splitPair(command: string, text: string, what: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0 || i === text.length - 1) throw new CliError(`${command}: expected ${what}, got ${JSON.stringify(text)}`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/** A version argument: a positive integer or `latest`. */
export function parseVersion(command: string, text: string | undefined): number | 'latest' {
  if (text === undefined || text === 'latest' || text === '-1') return 'latest';
  if (!/^[1-9]\d*$/.test(text)) throw new CliError(`${command}: --version must be a positive integer or "latest", got ${JSON.stringify(text)}`);
  return Number(text);
}
