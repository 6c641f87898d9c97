#!/usr/bin/env node
/** `serdes <command>`: dispatches to the command modules in ./cli/. */
import module from 'node:module';
import { EXIT_OK, EXIT_USAGE, processIo, type Io } from './cli/common.js';

// Node ≥ 22.1 keeps compiled modules on disk between runs (a console command starts often and loads
// kafkajs, avsc, protobufjs or ajv); older Nodes have no such cache.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

type Command = (argv: string[], io: Io) => Promise<number>;

/** Each command module is loaded only when it runs (codegen pulls in every schema format). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  register: async () => (await import('./cli/register.js')).register,
  'test-compatibility': async () => (await import('./cli/test-compatibility.js')).testCompatibility,
  download: async () => (await import('./cli/download.js')).download,
  codegen: async () => (await import('./cli/codegen.js')).codegen,
  produce: async () => (await import('./cli/produce.js')).produce,
  consume: async () => (await import('./cli/consume.js')).consume,
};

const HELP = `Usage: serdes <command> [options]

Commands:
  register             register schema files under subjects (with references)
  test-compatibility   test schema files against their subjects (exit code 1 when incompatible)
  download             write subjects' schemas to files
  codegen              generate TypeScript types and typed serializers from .avsc/.proto files or subjects
  produce              send records read as JSON lines from stdin to a Kafka topic, serialized with schemas
  consume              print a Kafka topic's records as JSON lines, decoded by the schema ids in their bytes

Run serdes <command> --help for a command's options.
Environment: SCHEMA_REGISTRY_URL, SCHEMA_REGISTRY_USER_INFO (user:password).
`;

async function main(argv: string[]): Promise<number> {
  const io = processIo();
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const load = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load === undefined) {
    io.stderr(`serdes: unknown command ${JSON.stringify(command)}\n${HELP}`);
    return EXIT_USAGE;
  }
  return (await load())(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`serdes: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
