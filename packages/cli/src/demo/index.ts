export { startDemo, type DemoEnvironment, type DemoOptions } from './demo-environment.js';
export {
  DEMO_FAILURES,
  DEMO_REPO,
  DEMO_RETRY,
  DEMO_RETRY_REFUSALS,
  DEMO_SKIPPED_BY_FAILURE,
  DEMO_TASK_TIMEOUT_SECONDS,
  demoRunScript,
  refuseNextCreates,
} from './demo-backlog.js';
