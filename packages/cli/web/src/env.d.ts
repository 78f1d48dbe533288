// elkjs ships types for elk-worker.js, not for its minified twin.
declare module 'elkjs/lib/elk-worker.min.js' {
  const worker: unknown;
  export default worker;
  export const Worker: unknown;
}
