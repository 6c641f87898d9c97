#!/usr/bin/env node
/** `schema-registry [serve|migrate] [options]`: see `--help`. */
import { ConfigError, describeStore, HELP, loadConfig } from './config.js';

async function main(): Promise<number> {
  let invocation;
  try {
    invocation = loadConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`schema-registry: ${e.message}\nRun schema-registry --help for usage.\n`);
    return 2;
  }
  const { command, help, config } = invocation;
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }

  // Loaded only now: `--help` and flag errors should not wait for fastify and the database drivers.
  if (command === 'migrate') {
    const { createStore } = await import('./store/index.js');
    const store = await createStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await store.open();
    } finally {
      await store.close();
    }
    process.stdout.write(`migrations applied (store: ${describeStore(config)})\n`);
    return 0;
  }

  const { startServer } = await import('./app.js');
  const server = await startServer(config);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
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
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
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
