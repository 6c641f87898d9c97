/** `serdes register`: registers schema files under subjects (with references), as Confluent's Maven plugin does. */
import { RegistryError } from '../client/errors.js';
import type { SchemaInfo } from '../client/client.js';
import {
  CliError,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  REGISTRY_HELP,
  connectAndAnnounce,
  runCommand,
  subjectFailure,
  type ErrorJson,
  type Io,
} from './common.js';
import { SCHEMA_FILE_OPTIONS, dependencyOrder, readSchemaFiles, resolveReferenceVersions, subjectSpecs } from './subjects.js';

export const REGISTER_HELP = `Usage: serdes register [options] SUBJECT=FILE...
       serdes register [options] --subject SUBJECT FILE
       serdes register [options] --config schemas.json

Registers each schema file under its subject (a new version, or the existing one when the schema is
already there) and prints the schema id and version. Subjects that reference each other are registered
dependencies first.

Schema:
  --subject <subject>       the subject of the single FILE
  --type <type>             AVRO, PROTOBUF or JSON (default: from the extension .avsc, .proto, .json)
  --reference <ref>         NAME=SUBJECT[@VERSION] (repeatable); without a version: the version registered
                            in this run, else the latest. Avro: NAME is the full type name; Protobuf: the
                            import path; JSON Schema: the $ref URL
  --config <file>           JSON file mapping subjects to files and references (below)
  --normalize               register with normalize=true
${REGISTRY_HELP}
Config file (paths relative to it; "schemaTypes" and "references" may also be separate maps by subject,
as in Confluent's Maven plugin; a reference without "version" uses the version registered in this run,
else the latest):
  {
    "subjects": {
      "customer": "schemas/customer.avsc",
      "orders-value": {
        "file": "schemas/order.avsc",
        "type": "AVRO",
        "references": [{ "name": "com.acme.Customer", "subject": "customer" }]
      }
    }
  }
`;

interface Registered {
  subject: string;
  file: string;
  schemaType: string;
  id?: number;
  version?: number;
  references?: Array<{ name: string; subject: string; version: number }>;
  error?: ErrorJson;
}

export async function register(argv: string[], io: Io): Promise<number> {
  return runCommand('register', argv, io, { help: REGISTER_HELP, options: SCHEMA_FILE_OPTIONS }, async ({ values, positionals }, context) => {
    const { out } = context;
    const specs = dependencyOrder('register', await subjectSpecs('register', values, positionals, io));
    const texts = await readSchemaFiles('register', specs);
    const { client, label } = connectAndAnnounce('register', values, io, context);

    const registered = new Map<string, number>();
    const failed = new Set<string>();
    const results: Registered[] = [];
    let worst = EXIT_OK;
    for (const spec of specs) {
      const result: Registered = { subject: spec.subject, file: spec.display, schemaType: spec.schemaType };
      results.push(result);
      try {
        const blocked = spec.references.find((r) => failed.has(r.subject));
        if (blocked) throw new CliError(`its reference ${JSON.stringify(blocked.name)} is subject ${JSON.stringify(blocked.subject)}, which failed`, EXIT_FAILED);
        const references = await resolveReferenceVersions(client, spec.references, registered);
        const info: SchemaInfo = { schema: texts.get(spec.subject)!, schemaType: spec.schemaType };
        if (references.length > 0) {
          info.references = references;
          result.references = references;
        }
        const normalize = spec.normalize ?? values.normalize;
        const answer = await client.register(spec.subject, info, { normalize });
        const version = answer.version ?? (await client.lookupSchema(spec.subject, info, { normalize })).version;
        result.id = answer.id;
        result.version = version;
        registered.set(spec.subject, version);
        out.line(`registered ${spec.subject} (${spec.display}, ${spec.schemaType}): schema id ${answer.id}, version ${version}`);
      } catch (e) {
        failed.add(spec.subject);
        const code = subjectFailure('FAILED', spec, result, e, context);
        worst = Math.max(worst, code);
        if (code === EXIT_USAGE && e instanceof RegistryError && e.status === 0) break; // registry unreachable: stop
      }
    }
    const ok = results.filter((r) => r.error === undefined).length;
    out.line(`${ok} of ${results.length} schema${results.length === 1 ? '' : 's'} registered`);
    out.document({ ok: worst === EXIT_OK, registry: label, results });
    return worst;
  });
}
