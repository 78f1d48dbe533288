export { ManualClock, type ManualClockContract, type RunUntilSettledOptions } from './manual-clock.js';
