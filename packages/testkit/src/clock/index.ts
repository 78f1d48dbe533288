export { ManualClock, type ManualClockContract, type RunUntilSettledOptions } from './manual-clock.js';
export { createAcceleratedTime, type AcceleratedTime, type AcceleratedTimeOptions } from './accelerated-time.js';
