export * from './codegen/index.js';
export * from './github/index.js';
export * from './clock/index.js';
export * from './test-helpers.js';
