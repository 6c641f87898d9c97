/** The registry's public API: build or start the server, or use the core over a store directly. */
export { buildApp, startServer, type AppOptions, type RunningServer } from './app.js';
export { ConfigError, describeStore, HELP, loadConfig, maskUrl, type Command, type Invocation, type LogLevel, type RegistryConfig } from './config.js';
export { Registry, RegistryError, type RegistryOptions } from './core/index.js';
export { createStore, isPostgresUrl, type Store, type StoreOptions } from './store/index.js';
