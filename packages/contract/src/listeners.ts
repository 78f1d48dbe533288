/**
 * A listener wrapped so that it cannot break the code that emits: a throw, or a rejection of the
 * promise it returns, goes to `onError` (whose own failure is dropped). Every pco emitter
 * (eventemitter3 underneath) subscribes its listeners through this.
 */
export function guardListener<P>(listener: (payload: P) => unknown, onError: (error: unknown) => void = () => {}): (payload: P) => void {
  const report = (error: unknown): void => {
    try {
      onError(error);
    } catch {
      // Nothing left to report to.
    }
  };
  return (payload: P): void => {
    try {
      const returned = listener(payload);
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') (returned as PromiseLike<unknown>).then(undefined, report);
    } catch (error) {
      report(error);
    }
  };
}
