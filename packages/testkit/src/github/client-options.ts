/**
 * GitHub client options for tests against the fake GitHub. Plain data typed structurally, so
 * the testkit does not depend on @pco/github-source: the result is passed straight to its
 * `createGitHubClient`.
 */

/** The fields {@link githubClientOptionsForFake} sets (a subset of `GitHubClientOptions`). */
export interface GitHubClientOptionsForFake {
  readonly baseUrl: string;
  readonly token: string;
  /** Retry and rate-limit waits in milliseconds instead of seconds (1000× faster). */
  readonly timeScale: number;
  readonly writeSpacingMs: number;
  readonly notificationSpacingMs: number;
  /** Unique per call: parallel tests never share plugin-throttling's write queues. */
  readonly throttleId: string;
}

/**
 * Options that keep a test fast against the fake at `baseUrl`: waits scaled down 1000×, no
 * write spacing, and a throttle scope of its own. `overrides` win.
 */
export function githubClientOptionsForFake<T extends object = Record<never, never>>(
  baseUrl: string,
  overrides?: T,
): GitHubClientOptionsForFake & T {
  return {
    baseUrl,
    token: 'test-token',
    timeScale: 1,
    writeSpacingMs: 0,
    notificationSpacingMs: 0,
    throttleId: `test-${Math.random().toString(36).slice(2)}`,
    ...(overrides as T),
  };
}
