/**
 * Who fixes failing CI on an agent's pull request: Codegen's own check-suite auto-fixer (it wakes
 * the agent on a failed check and pushes fixes to the same branch, 3 times per PR by default) or
 * pco's follow-ups. Both at once would race on one branch and pay twice, so one owns it per
 * repository (research: github-pr-lifecycle §6).
 */
import type { CodegenClient } from './codegen-client.js';
import type { CheckSuiteSettings, RequestOptions } from './types.js';

/**
 * - `pco`: pco sends the follow-ups; the auto-fixer is switched off (`check_retry_count: 0`, and
 *   every per-check count to 0).
 * - `codegen`: the auto-fixer fixes CI; pco only waits (and steps in once its retries are spent).
 * - `auto`: whoever the settings say: the auto-fixer when any retry count is above 0, else pco.
 */
export type CiFixMode = 'pco' | 'codegen' | 'auto';

/** Options of {@link configureCiFixes}. */
export interface ConfigureCiFixesOptions extends Pick<RequestOptions, 'signal'> {
  readonly client: CodegenClient;
  /** Codegen repository id (`listRepos`, the `repo_id` of a create). */
  readonly repoId: number;
  readonly mode: CiFixMode;
}

/** What {@link configureCiFixes} decided. */
export interface CiFixOwnership {
  /** Who fixes failing checks on this repository's agent PRs. */
  readonly owner: 'pco' | 'codegen';
  /**
   * Fix attempts the auto-fixer makes per PR (0 when pco owns CI fixes): a lander waiting on
   * Codegen steps in after this many failed heads.
   */
  readonly codegenRetries: number;
  /** True when the settings were changed (mode `pco` found the auto-fixer on). */
  readonly changed: boolean;
  /** The settings as read before any change. */
  readonly settings: CheckSuiteSettings;
  /**
   * A warning for the operator, e.g. mode `codegen` with the auto-fixer off (nobody would fix CI).
   * Whether `check_retry_count: 0` fully switches the auto-fixer off is not documented.
   */
  readonly warning?: string;
}

/** The largest retry count the settings give any check. */
function retriesOf(settings: CheckSuiteSettings): number {
  return Math.max(settings.check_retry_count, ...Object.values(settings.check_retry_counts));
}

/**
 * Makes sure Codegen's check-suite auto-fixer and pco's follow-ups do not both fix CI on one
 * repository. Reads the repository's check-suite settings; for mode `pco` switches the
 * auto-fixer off when it is on (one PUT; none when it is already off); for `codegen` and `auto`
 * changes nothing. Not `ban` / `remove-from-pr`: those stop every agent on a PR.
 *
 * @example
 * const { owner, codegenRetries } = await configureCiFixes({ client, repoId: 7, mode: 'auto' });
 * // owner 'codegen': wait for its fixes, step in after `codegenRetries` failed heads;
 * // owner 'pco': send a follow-up when checks fail.
 */
export async function configureCiFixes(options: ConfigureCiFixesOptions): Promise<CiFixOwnership> {
  const { client, repoId, mode } = options;
  const request = options.signal ? { signal: options.signal } : {};
  const settings = await client.getCheckSuiteSettings(repoId, request);
  const retries = retriesOf(settings);
  if (mode === 'codegen' || (mode === 'auto' && retries > 0)) {
    return {
      owner: 'codegen',
      codegenRetries: retries,
      changed: false,
      settings,
      ...(retries === 0
        ? { warning: `Codegen's check-suite auto-fixer is off for repository ${repoId} (check_retry_count 0): nobody fixes failing checks.` }
        : {}),
    };
  }
  if (retries === 0) return { owner: 'pco', codegenRetries: 0, changed: false, settings };
  const perCheck = Object.fromEntries(Object.keys(settings.check_retry_counts).map((name) => [name, 0]));
  await client.putCheckSuiteSettings(
    repoId,
    { check_retry_count: 0, ...(Object.keys(perCheck).length > 0 ? { check_retry_counts: perCheck } : {}) },
    request,
  );
  return { owner: 'pco', codegenRetries: 0, changed: true, settings };
}
