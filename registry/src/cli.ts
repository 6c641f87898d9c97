#!/usr/bin/env node
/** `schema-registry [serve|migrate|export FILE|import FILE] [options]`: see `--help`. */
import { ConfigError, describeStore, HELP, loadConfig, storeOptionsOf } from './config.js';

async function main(): Promise<number> {
  if (process.argv[2] === 'user') {
    const { runUserCommand } = await import('./security/user-command.js');
    return runUserCommand(process.argv.slice(3), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
  }
  let invocation;
  try {
    invocation = loadConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`schema-registry: ${e.message}\nRun schema-registry --help for usage.\n`);
    return 2;
  }
  const { command, help, config, migration } = invocation;
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }

  // Loaded only now: `--help` and flag errors should not wait for fastify and the database drivers.
  if (command === 'migrate') {
    const { createStore } = await import('./store/index.js');
    const { maskSecrets } = await import('./log.js');
    // Kafka: creates (or checks) the schemas topic and reads it once.
    // Kafka retries until the broker answers: say why meanwhile (a refused login, an untrusted certificate).
    const store = await createStore({ ...storeOptionsOf(config), onError: (message) => process.stderr.write(`schema-registry: ${maskSecrets(message)}\n`) });
    try {
      await store.open();
    } finally {
      await store.close();
    }
    process.stdout.write(`migrations applied (store: ${describeStore(config)})\n`);
    return 0;
  }
  if ((command === 'export' || command === 'import') && migration) {
    const { runMigration } = await import('./migration/command.js');
    return runMigration(command, migration, config);
  }

  // Signal handlers go in before the server starts (and prints its ready line): a SIGTERM that arrives
  // right after the ready line must shut down gracefully, not kill the process with the default action.
  let signalled: NodeJS.Signals | undefined;
  let onSignal: (signal: NodeJS.Signals) => void = (signal) => {
    signalled ??= signal;
  };
  const handler = (signal: NodeJS.Signals) => onSignal(signal);
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);

  const { startServer } = await import('./app.js');
  const server = await startServer(config);
  await new Promise<void>((resolve) => {
    let stopping = false;
    onSignal = (signal) => {
      if (stopping) return;
      stopping = true;
      server.log.info({ signal }, 'shutting down');
      server.close().then(
        () => {
          server.log.info('shut down');
          resolve();
        },
        (err: unknown) => {
          server.log.error({ err }, 'error while shutting down');
          resolve();
        },
      );
    };
    if (signalled) onSignal(signalled);
  });
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`schema-registry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
