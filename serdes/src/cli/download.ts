/**
 * `serdes download`: writes subjects' schemas to files (`<output-dir>/<subject>.<ext>`, the extension from
 * the schema type), byte for byte as the registry returns them. With `--references`, the schemas they
 * reference are written too: Protobuf ones at their import path (so `serdes codegen -I <output-dir>`
 * finds them), the others as `<subject>.<ext>`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SchemaReference, SchemaType } from '../formats/format.js';
import type { RegistryClient } from '../client/client.js';
import { CliError, EXIT_OK, EXTENSION_BY_TYPE, REGISTRY_HELP, connectAndAnnounce, parseVersion, runCommand, type Io } from './common.js';

export const DOWNLOAD_HELP = `Usage: serdes download [options] --output-dir DIR SUBJECT...
       serdes download [options] --output-dir DIR --pattern REGEX...

Writes each subject's schema to DIR/<subject>.<ext> (.avsc, .proto or .json by schema type), exactly as
the registry stores it.

Options:
  --output-dir <dir>        where to write (created if missing)
  --subject <subject>       a subject to download (repeatable; same as a positional SUBJECT)
  --pattern <regex>         download every subject whose whole name matches (repeatable)
  --version <v>             version number or "latest" (default latest)
  --references              also write the schemas the subjects reference (Protobuf: at their import path)
${REGISTRY_HELP}`;

/** A subject as a file name: characters other than letters, digits, '.', '_' and '-' become '_'. */
export function subjectFileName(subject: string, type: SchemaType): string {
  let base = subject.replace(/[^A-Za-z0-9._-]/g, '_');
  if (base === '' || base === '.' || base === '..') base = `_${base}`;
  return `${base}${EXTENSION_BY_TYPE[type]}`;
}

interface Downloaded {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  file: string;
  references?: SchemaReference[];
  /** Written because another downloaded schema references it. */
  referencedBy?: string;
}

function inside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export async function download(argv: string[], io: Io): Promise<number> {
  const options = {
    'output-dir': { type: 'string' },
    subject: { type: 'string', multiple: true },
    pattern: { type: 'string', multiple: true },
    version: { type: 'string' },
    references: { type: 'boolean', default: false },
  } as const;
  return runCommand('download', argv, io, { help: DOWNLOAD_HELP, options }, async ({ values, positionals }, context) => {
    const { out } = context;
    const outputDir = values['output-dir'];
    if (!outputDir) throw new CliError('download: --output-dir is required');
    const version = parseVersion('download', values.version);
    const patterns = (values.pattern ?? []).map((p) => {
      try {
        return new RegExp(`^(?:${p})$`);
      } catch (e) {
        throw new CliError(`download: invalid --pattern ${JSON.stringify(p)}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    const named = [...positionals, ...(values.subject ?? [])];
    if (named.length === 0 && patterns.length === 0) throw new CliError('download: no subject given: pass SUBJECT... or --pattern REGEX');
    const { client, label } = connectAndAnnounce('download', values, io, context);

    const subjects = [...named];
    if (patterns.length > 0) {
      const all = await client.listSubjects();
      const matched = all.filter((s) => patterns.some((p) => p.test(s))).sort();
      if (matched.length === 0) throw new CliError(`download: no subject matches ${(values.pattern ?? []).join(', ')}`, 1);
      for (const s of matched) if (!subjects.includes(s)) subjects.push(s);
    }

    const dir = path.resolve(io.cwd, outputDir);
    await mkdir(dir, { recursive: true });
    const results: Downloaded[] = [];
    const written = new Set<string>();
    const write = async (file: string, text: string): Promise<string> => {
      if (!inside(dir, file)) throw new CliError(`download: refusing to write ${file} outside ${outputDir}`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text, 'utf8');
      written.add(file);
      return path.relative(io.cwd, file).split(path.sep).join('/');
    };

    const fetchReferences = async (client: RegistryClient, refs: readonly SchemaReference[], from: string): Promise<void> => {
      for (const ref of refs) {
        const v = await client.getVersion(ref.subject, ref.version);
        const type = v.schemaType ?? 'AVRO';
        const file = type === 'PROTOBUF' ? path.resolve(dir, ref.name) : path.join(dir, subjectFileName(ref.subject, type));
        if (written.has(file)) continue;
        const shown = await write(file, v.schema);
        const entry: Downloaded = { subject: ref.subject, version: v.version, id: v.id, schemaType: type, file: shown, referencedBy: from };
        if (v.references?.length) entry.references = v.references;
        results.push(entry);
        out.line(`  reference ${ref.name}: ${ref.subject} version ${v.version} -> ${shown}`);
        await fetchReferences(client, v.references ?? [], ref.subject);
      }
    };

    for (const subject of subjects) {
      const v = version === 'latest' ? await client.getLatestVersion(subject) : await client.getVersion(subject, version);
      const type = v.schemaType ?? 'AVRO';
      const target = path.join(dir, subjectFileName(subject, type));
      if (written.has(target)) throw new CliError(`download: two subjects would both be written to ${subjectFileName(subject, type)}`);
      const shown = await write(target, v.schema);
      const entry: Downloaded = { subject, version: v.version, id: v.id, schemaType: type, file: shown };
      if (v.references?.length) entry.references = v.references;
      results.push(entry);
      out.line(`downloaded ${subject} version ${v.version} (schema id ${v.id}, ${type}) -> ${shown}`);
      if (values.references && v.references?.length) await fetchReferences(client, v.references, subject);
    }
    out.document({ ok: true, registry: label, results });
    return EXIT_OK;
  });
}
