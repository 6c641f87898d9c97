/** `serdes codegen`: TypeScript types and typed serde factories from .avsc/.proto files and registry subjects. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CodegenError, emptyInput, generateTypeScript, loadAvroFiles, loadProtoFiles, loadSubject, type CodegenOptions } from '../codegen/index.js';
import { CliError, EXIT_OK, REGISTRY_HELP, connect, parseVersion, runCommand, type Io } from './common.js';

export const CODEGEN_HELP = `Usage: serdes codegen [options] FILE...
       serdes codegen [options] --registry URL --subject SUBJECT [--version V]

Generates one TypeScript module with the types of the schemas (interfaces for records and messages,
string-literal unions for Avro enums, number constants for Protobuf enums, Avro unions as plain or
single-key discriminated unions) and, for every top-level schema (each .avsc file, each message of each
.proto file, each subject), create<Type>Serializer(client, { subject?, topic? }) and
create<Type>Deserializer(client) built on the SDK serdes.

Input:
  FILE...                   .avsc files (named types may be defined in any of the files) and .proto files
  -I, --include <dir>       where .proto imports are looked up (repeatable; default: each file's directory)
  --subject <subject>       a registry subject to generate from (repeatable; its references are fetched too)
  --version <v>             the version of the --subject(s) (default latest)
Output:
  -o, --output <file>       write the module here (default: stdout)
  --import-from <module>    the module the generated code imports the SDK from (default @schemata/serdes)
Types:
  --timestamps date|number  Avro timestamp-millis/-micros as Date (default) or the stored number
  --dates date|number       Avro date as Date at UTC midnight (default) or days since 1970-01-01
  --decimals buffer|string  Avro decimal as Buffer (default, avsc's unscaled bytes) or a decimal string
  --int64 bigint|string     Protobuf 64-bit integers as bigint (default) or decimal string
  --keep-case               Protobuf field names as in the .proto file (default: protobufjs camelCase)
  Avro long is a JS number: safe integers only (avsc rejects larger values, never rounds them).
${REGISTRY_HELP}`;

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`codegen: --${flag} must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

export async function codegen(argv: string[], io: Io): Promise<number> {
  const flags = {
    include: { type: 'string', short: 'I', multiple: true },
    subject: { type: 'string', multiple: true },
    version: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'import-from': { type: 'string' },
    timestamps: { type: 'string' },
    dates: { type: 'string' },
    decimals: { type: 'string' },
    int64: { type: 'string' },
    'keep-case': { type: 'boolean', default: false },
  } as const;
  return runCommand('codegen', argv, io, { help: CODEGEN_HELP, options: flags }, async ({ values, positionals }, { out, secrets }) => {
    const options: CodegenOptions = { keepCase: values['keep-case'] };
    const timestamps = choice('timestamps', values.timestamps, ['date', 'number'] as const);
    const dates = choice('dates', values.dates, ['date', 'number'] as const);
    const decimals = choice('decimals', values.decimals, ['buffer', 'string'] as const);
    const int64 = choice('int64', values.int64, ['bigint', 'string'] as const);
    if (timestamps) options.timestamps = timestamps;
    if (dates) options.dates = dates;
    if (decimals) options.decimals = decimals;
    if (int64) options.int64 = int64;
    if (values['import-from']) options.importFrom = values['import-from'];
    if (values.json && !values.output) throw new CliError('codegen: --json needs --output (the module cannot go to stdout as well)');
    const subjects = values.subject ?? [];
    if (positionals.length === 0 && subjects.length === 0) throw new CliError('codegen: no input: pass .avsc/.proto files or --subject (with --registry)');
    if (values.version !== undefined && subjects.length === 0) throw new CliError('codegen: --version applies to --subject');

    const avro: string[] = [];
    const proto: string[] = [];
    for (const f of positionals) {
      const ext = path.extname(f).toLowerCase();
      if (ext === '.avsc') avro.push(f);
      else if (ext === '.proto') proto.push(f);
      else if (ext === '.json') throw new CliError(`codegen: ${f}: JSON Schema is not supported by codegen (Avro .avsc and Protobuf .proto are)`);
      else throw new CliError(`codegen: ${f}: unknown extension (expected .avsc or .proto)`);
    }

    const input = emptyInput();
    try {
      if (avro.length > 0) await loadAvroFiles(avro, io.cwd, input);
      if (proto.length > 0) await loadProtoFiles(proto, values.include ?? [], io.cwd, input);
    } catch (e) {
      if (e instanceof CodegenError) throw new CliError(`codegen: ${e.message}`);
      throw e;
    }
    if (subjects.length > 0) {
      const { client, label } = connect('codegen', values, io, secrets);
      const version = parseVersion('codegen', values.version);
      for (const s of subjects) {
        try {
          await loadSubject(client, s, version, label, input);
        } catch (e) {
          if (e instanceof CodegenError) throw new CliError(`codegen: ${e.message}`, 1);
          throw e;
        }
      }
    }
    let code: string;
    try {
      code = generateTypeScript(input, options);
    } catch (e) {
      if (e instanceof CodegenError) throw new CliError(`codegen: ${e.message}`);
      throw e;
    }
    const types = [...code.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]!);
    const factories = [...code.matchAll(/^export function (create\w+)/gm)].map((m) => m[1]!);
    if (values.output) {
      const file = path.resolve(io.cwd, values.output);
      try {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, code, 'utf8');
      } catch (e) {
        throw new CliError(`codegen: cannot write ${values.output} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      out.line(`wrote ${values.output}: ${types.length} types, ${factories.length} factories from ${input.sources.length} source${input.sources.length === 1 ? '' : 's'}`);
      out.document({ ok: true, output: values.output, sources: [...input.sources].sort(), types, factories });
    } else {
      io.stdout(code);
    }
    return EXIT_OK;
  });
}
