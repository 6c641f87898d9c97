/**
 * Which files go to which subjects, for `register` and `test-compatibility`: from the command line
 * (`SUBJECT=FILE` pairs, or `--subject S FILE`, with `--type` and `--reference`) and/or a JSON config
 * file in the spirit of Confluent's Maven plugin:
 *
 * ```json
 * {
 *   "subjects": {
 *     "customer": "schemas/customer.avsc",
 *     "orders-value": {
 *       "file": "schemas/order.avsc",
 *       "type": "AVRO",
 *       "normalize": false,
 *       "references": [{ "name": "com.acme.Customer", "subject": "customer", "version": 1 }]
 *     }
 *   },
 *   "schemaTypes": { "customer": "AVRO" },
 *   "references": { "orders-value": [{ "name": "com.acme.Customer", "subject": "customer" }] }
 * }
 * ```
 *
 * `schemaTypes` and `references` are the plugin's separate maps (merged with the per-subject entries).
 * File paths are relative to the config file. A reference without `version` uses the version registered
 * in the same run, else the subject's latest version.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaReference, SchemaType } from '../formats/format.js';
import type { RegistryClient } from '../client/client.js';
import { CliError, parseSchemaType, schemaTypeOf, splitPair, type Io } from './common.js';

export interface ReferenceSpec {
  name: string;
  subject: string;
  /** Absent: the version registered in this run, else the latest. */
  version?: number;
}

export interface SubjectSpec {
  subject: string;
  /** Absolute path. */
  file: string;
  /** The path as given, for messages. */
  display: string;
  schemaType: SchemaType;
  references: ReferenceSpec[];
  normalize?: boolean;
}

/** The options of the commands that take schema files for subjects (register, test-compatibility). */
export const SCHEMA_FILE_OPTIONS = {
  subject: { type: 'string' },
  type: { type: 'string' },
  reference: { type: 'string', multiple: true },
  config: { type: 'string' },
  normalize: { type: 'boolean', default: false },
} as const;

/** `NAME=SUBJECT[@VERSION]`. */
export function parseReference(command: string, text: string): ReferenceSpec {
  const [name, rest] = splitPair(command, text, 'a reference NAME=SUBJECT[@VERSION]');
  const at = rest.lastIndexOf('@');
  if (at > 0 && /^[1-9]\d*$/.test(rest.slice(at + 1))) return { name, subject: rest.slice(0, at), version: Number(rest.slice(at + 1)) };
  if (at > 0 && rest.slice(at + 1) === 'latest') return { name, subject: rest.slice(0, at) };
  return { name, subject: rest };
}

function referenceFromJson(command: string, where: string, value: unknown): ReferenceSpec {
  if (typeof value !== 'object' || value === null) throw new CliError(`${command}: ${where}: a reference must be an object { name, subject, version? }`);
  const r = value as Record<string, unknown>;
  if (typeof r.name !== 'string' || r.name === '' || typeof r.subject !== 'string' || r.subject === '') {
    throw new CliError(`${command}: ${where}: a reference needs a string "name" and "subject"`);
  }
  if (r.version === undefined || r.version === null || r.version === -1 || r.version === 'latest') return { name: r.name, subject: r.subject };
  if (typeof r.version !== 'number' || !Number.isInteger(r.version) || r.version < 1) {
    throw new CliError(`${command}: ${where}: reference "version" must be a positive integer`);
  }
  return { name: r.name, subject: r.subject, version: r.version };
}

/** Reads the subjects of a config file. */
export async function loadConfig(command: string, file: string, io: Io): Promise<SubjectSpec[]> {
  const abs = path.resolve(io.cwd, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (e) {
    throw new CliError(`${command}: cannot read config ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${command}: config ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliError(`${command}: config ${file} must be a JSON object`);
  const root = json as Record<string, unknown>;
  const subjects = root.subjects;
  if (typeof subjects !== 'object' || subjects === null || Array.isArray(subjects)) {
    throw new CliError(`${command}: config ${file} needs a "subjects" object mapping subjects to files`);
  }
  const types = (root.schemaTypes ?? {}) as Record<string, unknown>;
  const refs = (root.references ?? {}) as Record<string, unknown>;
  const base = path.dirname(abs);
  const out: SubjectSpec[] = [];
  for (const [subject, entry] of Object.entries(subjects as Record<string, unknown>)) {
    const where = `config ${file}, subject ${JSON.stringify(subject)}`;
    let schemaFile: string;
    let type: string | undefined = typeof types[subject] === 'string' ? (types[subject] as string) : undefined;
    const references: ReferenceSpec[] = [];
    let normalize: boolean | undefined;
    if (typeof entry === 'string') schemaFile = entry;
    else if (typeof entry === 'object' && entry !== null && typeof (entry as Record<string, unknown>).file === 'string') {
      const e = entry as Record<string, unknown>;
      schemaFile = e.file as string;
      if (typeof e.type === 'string') type = e.type;
      else if (typeof e.schemaType === 'string') type = e.schemaType;
      if (e.references !== undefined) {
        if (!Array.isArray(e.references)) throw new CliError(`${command}: ${where}: "references" must be an array`);
        e.references.forEach((r) => references.push(referenceFromJson(command, where, r)));
      }
      if (typeof e.normalize === 'boolean') normalize = e.normalize;
    } else {
      throw new CliError(`${command}: ${where}: expected a file path or { "file": ... }`);
    }
    const extra = refs[subject];
    if (extra !== undefined) {
      if (!Array.isArray(extra)) throw new CliError(`${command}: config ${file}: references of ${JSON.stringify(subject)} must be an array`);
      extra.forEach((r) => references.push(referenceFromJson(command, where, r)));
    }
    const spec: SubjectSpec = {
      subject,
      file: path.resolve(base, schemaFile),
      display: path.relative(io.cwd, path.resolve(base, schemaFile)).split(path.sep).join('/') || schemaFile,
      schemaType: type !== undefined ? parseSchemaType(command, type) : schemaTypeOf(command, schemaFile, undefined),
      references,
    };
    if (normalize !== undefined) spec.normalize = normalize;
    out.push(spec);
  }
  return out;
}

/** The subjects given on the command line and/or in `--config`. */
export async function subjectSpecs(
  command: string,
  values: { config?: string | undefined; subject?: string | undefined; type?: string | undefined; reference?: string[] | undefined },
  positionals: string[],
  io: Io,
): Promise<SubjectSpec[]> {
  const specs: SubjectSpec[] = values.config ? await loadConfig(command, values.config, io) : [];
  const references = (values.reference ?? []).map((r) => parseReference(command, r));
  const fromArgs: Array<[string, string]> = [];
  if (values.subject !== undefined) {
    if (positionals.length !== 1) throw new CliError(`${command}: --subject takes exactly one schema file`);
    fromArgs.push([values.subject, positionals[0]!]);
  } else {
    for (const p of positionals) fromArgs.push(splitPair(command, p, 'SUBJECT=FILE'));
  }
  for (const [subject, file] of fromArgs) {
    specs.push({
      subject,
      file: path.resolve(io.cwd, file),
      display: file,
      schemaType: schemaTypeOf(command, file, values.type),
      references: [...references],
    });
  }
  if (fromArgs.length === 0 && (values.type !== undefined || references.length > 0)) {
    throw new CliError(`${command}: --type and --reference apply to subjects given on the command line (SUBJECT=FILE)`);
  }
  if (specs.length === 0) throw new CliError(`${command}: no schema given: pass SUBJECT=FILE, --subject S FILE or --config FILE`);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.subject)) throw new CliError(`${command}: subject ${JSON.stringify(s.subject)} is given twice`);
    seen.add(s.subject);
  }
  return specs;
}

async function readSchemaFile(command: string, spec: SubjectSpec): Promise<string> {
  try {
    return await readFile(spec.file, 'utf8');
  } catch (e) {
    throw new CliError(`${command}: cannot read ${spec.display} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** The schema texts of the specs by subject, all read before anything is sent to the registry. */
export async function readSchemaFiles(command: string, specs: readonly SubjectSpec[]): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const s of specs) texts.set(s.subject, await readSchemaFile(command, s));
  return texts;
}

/**
 * The specs in an order where every subject comes after the subjects of this run it references (so that
 * references to them resolve to the version just registered).
 */
export function dependencyOrder(command: string, specs: readonly SubjectSpec[]): SubjectSpec[] {
  const bySubject = new Map(specs.map((s) => [s.subject, s]));
  const out: SubjectSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (s: SubjectSpec, chain: string[]): void => {
    const st = state.get(s.subject);
    if (st === 'done') return;
    if (st === 'visiting') throw new CliError(`${command}: reference cycle: ${[...chain, s.subject].join(' -> ')}`);
    state.set(s.subject, 'visiting');
    for (const r of s.references) {
      const dep = bySubject.get(r.subject);
      if (dep && dep !== s) visit(dep, [...chain, s.subject]);
    }
    state.set(s.subject, 'done');
    out.push(s);
  };
  specs.forEach((s) => visit(s, []));
  return out;
}

/** References with versions: given, registered in this run, or the subject's latest. */
export async function resolveReferenceVersions(
  client: RegistryClient,
  references: readonly ReferenceSpec[],
  registered: ReadonlyMap<string, number>,
): Promise<SchemaReference[]> {
  const out: SchemaReference[] = [];
  for (const r of references) {
    const version = r.version ?? registered.get(r.subject) ?? (await client.getLatestVersion(r.subject)).version;
    out.push({ name: r.name, subject: r.subject, version });
  }
  return out;
}
