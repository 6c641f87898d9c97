export * from './formats/index.js';
export * from './api/types.js';
