/**
 * `serdes test-compatibility`: checks schema files against what their subjects hold, without registering
 * anything. By default against the versions the subject's compatibility level asks for (the latest one,
 * or all of them for a *_TRANSITIVE level: `POST /compatibility/subjects/{s}/versions`); `--version`
 * checks against one version. Exit code 1 when any schema is incompatible.
 */
import { RegistryError } from '../client/errors.js';
import type { CompatibilityResult, RegistryClient } from '../client/client.js';
import {
  EXIT_FAILED,
  EXIT_OK,
  REGISTRY_HELP,
  connectAndAnnounce,
  parseVersion,
  runCommand,
  subjectFailure,
  type ErrorJson,
  type Io,
} from './common.js';
import { SCHEMA_FILE_OPTIONS, readSchemaFiles, resolveReferenceVersions, subjectSpecs } from './subjects.js';

export const TEST_COMPATIBILITY_HELP = `Usage: serdes test-compatibility [options] SUBJECT=FILE...
       serdes test-compatibility [options] --subject SUBJECT FILE
       serdes test-compatibility [options] --config schemas.json

Tests each schema file against its subject without registering it, and lists every incompatibility the
registry reports. Exit code 1 when a schema is incompatible (or invalid). A subject with no versions yet
accepts any schema.

Schema:
  --subject <subject>       the subject of the single FILE
  --type <type>             AVRO, PROTOBUF or JSON (default: from the extension)
  --reference <ref>         NAME=SUBJECT[@VERSION] (repeatable; without a version: the latest)
  --config <file>           JSON file mapping subjects to files and references (see serdes register --help)
  --version <v>             test against this version or "latest" only (default: the versions the
                            subject's compatibility level requires: the latest, or all for *_TRANSITIVE)
  --normalize               test with normalize=true
${REGISTRY_HELP}`;

/** One incompatibility, parsed from Confluent's verbose messages. */
export interface Incompatibility {
  /** Confluent's error type, e.g. READER_FIELD_MISSING_DEFAULT_VALUE (absent for free-form messages). */
  type?: string;
  description: string;
  /** Where in the schema, when the registry says (Avro: /fields/0, Protobuf: #/Msg/1). */
  location?: string;
  /** The version the schema was checked against. */
  version?: number;
}

interface Checked {
  subject: string;
  file: string;
  schemaType: string;
  compatible: boolean;
  /** The subject's compatibility level, when the registry tells it. */
  level?: string;
  /** 'level' (per the compatibility level), 'latest' or a version number. */
  against: 'level' | 'latest' | number;
  incompatibilities: Incompatibility[];
  /** The registry's messages as it sent them. */
  messages: string[];
  note?: string;
  error?: ErrorJson;
}

/**
 * Confluent's verbose messages: `{errorType:'X', description:'...', additionalInfo:'...'}` per finding,
 * then `{oldSchemaVersion: N}`, `{oldSchema: '...'}` and `{validateFields: '...', compatibility: 'LEVEL'}`
 * per version checked. Other messages (e.g. an invalid schema) are kept as descriptions.
 */
export function parseMessages(messages: readonly string[]): { incompatibilities: Incompatibility[]; level?: string } {
  const incompatibilities: Incompatibility[] = [];
  let pending: Incompatibility[] = [];
  let level: string | undefined;
  for (const m of messages) {
    const finding = /^\{errorType:'([^']*)', description:'(.*)', additionalInfo:'(.*)'\}$/s.exec(m) ?? /^\{errorType:'([^']*)', description:'(.*)'\}$/s.exec(m);
    if (finding) {
      const item: Incompatibility = { type: finding[1]!, description: finding[2]! };
      if (finding[3]) item.location = finding[3];
      pending.push(item);
      incompatibilities.push(item);
      continue;
    }
    const version = /^\{oldSchemaVersion: (\d+)\}$/.exec(m);
    if (version) {
      for (const p of pending) p.version = Number(version[1]);
      pending = [];
      continue;
    }
    if (/^\{oldSchema: /s.test(m)) continue;
    const cfg = /compatibility: '([A-Z_]+)'/.exec(m);
    if (/^\{validateFields: /.test(m)) {
      if (cfg) level = cfg[1];
      continue;
    }
    const item: Incompatibility = { description: m };
    pending.push(item);
    incompatibilities.push(item);
  }
  return level === undefined ? { incompatibilities } : { incompatibilities, level };
}

async function levelOf(client: RegistryClient, subject: string): Promise<string | undefined> {
  try {
    return (await client.getConfig(subject, { defaultToGlobal: true })).compatibilityLevel;
  } catch {
    return undefined;
  }
}

export async function testCompatibility(argv: string[], io: Io): Promise<number> {
  const options = { ...SCHEMA_FILE_OPTIONS, version: { type: 'string' } } as const;
  return runCommand('test-compatibility', argv, io, { help: TEST_COMPATIBILITY_HELP, options }, async ({ values, positionals }, context) => {
    const { out } = context;
    const against: Checked['against'] = values.version === undefined ? 'level' : parseVersion('test-compatibility', values.version);
    const specs = await subjectSpecs('test-compatibility', values, positionals, io);
    const texts = await readSchemaFiles('test-compatibility', specs);
    const { client, label } = connectAndAnnounce('test-compatibility', values, io, context);

    const results: Checked[] = [];
    let worst = EXIT_OK;
    for (const spec of specs) {
      const result: Checked = {
        subject: spec.subject,
        file: spec.display,
        schemaType: spec.schemaType,
        compatible: false,
        against,
        incompatibilities: [],
        messages: [],
      };
      results.push(result);
      try {
        const references = await resolveReferenceVersions(client, spec.references, new Map());
        const body: Record<string, unknown> = { schemaType: spec.schemaType, schema: texts.get(spec.subject)! };
        if (references.length > 0) body.references = references;
        const normalize = spec.normalize ?? values.normalize;
        const query = { verbose: true, normalize: normalize ? true : undefined };
        const path = `/compatibility/subjects/${encodeURIComponent(spec.subject)}/versions${against === 'level' ? '' : `/${against}`}`;
        let answer: CompatibilityResult;
        try {
          answer = await client.request<CompatibilityResult>('POST', path, { body, query });
        } catch (e) {
          if (e instanceof RegistryError && e.errorCode === 40401) {
            answer = { is_compatible: true, messages: [] };
            result.note = 'the subject has no versions yet';
          } else if (e instanceof RegistryError && (e.errorCode === 42201 || e.errorCode === 44201 || e.errorCode === 409)) {
            answer = { is_compatible: false, messages: [e.message] };
          } else {
            throw e;
          }
        }
        result.compatible = answer.is_compatible === true;
        result.messages = answer.messages ?? [];
        const parsed = parseMessages(result.messages);
        result.incompatibilities = parsed.incompatibilities;
        const level = parsed.level ?? (await levelOf(client, spec.subject));
        if (level !== undefined) result.level = level;
        if (!result.compatible) {
          worst = Math.max(worst, EXIT_FAILED);
          if (result.incompatibilities.length === 0) result.incompatibilities.push({ description: 'the registry gave no details' });
        }
        const scope = against === 'level' ? (level ? `${level}` : 'per the compatibility level') : `against version ${against}`;
        out.line(`${spec.subject} (${spec.display}): ${result.compatible ? 'compatible' : 'INCOMPATIBLE'} (${scope})${result.note ? `: ${result.note}` : ''}`);
        for (const i of result.compatible ? [] : result.incompatibilities) {
          const head = [i.type, i.location ? `at ${i.location}` : undefined, i.version !== undefined ? `(version ${i.version})` : undefined]
            .filter((x) => x !== undefined)
            .join(' ');
          out.line(`  - ${head ? `${head}: ` : ''}${i.description}`);
        }
      } catch (e) {
        worst = Math.max(worst, subjectFailure('ERROR', spec, result, e, context));
      }
    }
    const bad = results.filter((r) => !r.compatible && r.error === undefined).length;
    const errors = results.filter((r) => r.error !== undefined).length;
    out.line(
      `${results.length - bad - errors} of ${results.length} schema${results.length === 1 ? '' : 's'} compatible${bad ? `, ${bad} incompatible` : ''}${errors ? `, ${errors} not checked (errors)` : ''}`,
    );
    out.document({ ok: worst === EXIT_OK, compatible: bad === 0 && errors === 0, registry: label, results });
    return worst;
  });
}
