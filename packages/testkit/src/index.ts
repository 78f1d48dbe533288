export * from './codegen/index.js';
export * from './github/index.js';
export * from './clock/index.js';
export * from './link-fakes.js';
export * from './test-helpers.js';
