export { startFakeCodegen } from './fake-codegen.js';
export type {
  FakeCodegen,
  FakeCodegenOptions,
  FakeCodegenUser,
  FakeCodegenRepo,
  FakeCodegenFaults,
  FakeCodegenStats,
  FakeCreatedRecord,
  FakeRequestRecord,
  FakeResponseRecord,
  FakeArrivedRequest,
  FakeRunRequest,
  FakeCodegenInjectedFault,
  FakeRunCompletion,
  FakeRunCompletionHook,
  FakeRunPullRequest,
  FakeCheckSuiteSettings,
} from './types.js';
export { DEFAULT_CHECK_SUITE_SETTINGS } from './check-suite-settings.js';
export { CODEGEN_RATE_LIMITS } from './rate-limits.js';
export type { FakeCodegenOperation, CodegenRateLimit } from './rate-limits.js';
export { parseFakeRunMarker } from './run-script.js';
export type { FakeRunScript, FakeRunStep, FakeFinalStatus } from './run-script.js';
export { seededRandom } from './seeded-random.js';
