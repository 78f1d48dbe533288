/** The config schema's `landing` section: following each agent's pull request until it lands. */
import * as v from 'valibot';
import { flag, info, integer, list, nonEmptyString, section } from './schema-fields.js';

const followUpCap = (reason: string, fallback: number) =>
  v.optional(
    integer(0, 20, {
      description: `Follow-ups sent to the agent for ${reason} on one pull request before a human is asked (0: never).`,
      expected: 'an integer from 0 to 20',
    }),
    fallback,
  );

export const landing = section(
  {
    enabled: v.optional(
      flag({
        description:
          'Follow each pull request an agent opens until it lands: watch its checks, reviews and mergeability, send the agent follow-ups, merge it. A task is done when its change is merged (or closed unmerged: failed). false: a task is done when its agent run completes.',
        expected: 'true or false',
      }),
      true,
    ),
    dependentsStartWhen: v.optional(
      v.pipe(
        v.picklist(['merged', 'checks-passed', 'pr-opened', 'run-complete']),
        info({
          description:
            'When a task\'s dependents may start: `merged` (the only point at which a dependent\'s agent sees its prerequisite\'s code), `checks-passed`, `pr-opened` or `run-complete`. See docs/landing.md.',
          expected: 'one of "merged", "checks-passed", "pr-opened", "run-complete"',
        }),
      ),
      'merged',
    ),
    merge: v.optional(
      v.pipe(
        v.picklist(['auto', 'train', 'none']),
        info({
          description:
            '`auto`: GitHub\'s auto-merge where the repository allows it, else a merge train; `train`: pco merges one pull request per repository at a time; `none`: a human merges. A merge queue is always respected.',
          expected: 'one of "auto", "train", "none"',
        }),
      ),
      'auto',
    ),
    mergeMethod: v.optional(
      v.pipe(
        v.picklist(['merge', 'squash', 'rebase']),
        info({ description: 'Merge method (a merge queue uses its own).', expected: 'one of "merge", "squash", "rebase"' }),
      ),
      'squash',
    ),
    ciFixes: v.optional(
      v.pipe(
        v.picklist(['auto', 'pco', 'codegen']),
        info({
          description:
            'Who fixes failing checks, so that two fixers never push to one branch: `auto` reads Codegen\'s check-suite settings for `codegen.repoId` (its auto-fixer on: Codegen fixes, pco steps in only after it gave up; off: pco sends the agent the failing checks); `pco` turns Codegen\'s auto-fixer off for the repository (check_retry_count 0) and sends the follow-ups itself; `codegen` leaves CI fixes to Codegen.',
          expected: 'one of "auto", "pco", "codegen"',
        }),
      ),
      'auto',
    ),
    maxFollowUps: v.optional(
      section(
        {
          checksFailed: followUpCap('failing checks', 3),
          changesRequested: followUpCap('requested changes', 3),
          conflict: followUpCap('merge conflicts', 2),
        },
        { description: 'Follow-ups per reason and pull request.', expected: 'an object' },
      ),
      {},
    ),
    maxFollowUpsPerTask: v.optional(
      integer(0, 50, { description: 'Follow-ups per task, all reasons together.', expected: 'an integer from 0 to 50' }),
      6,
    ),
    ignoredReviewers: v.optional(
      list(nonEmptyString({ description: 'A reviewer login.', expected: 'a login (non-empty string)' }), {
        description: 'Reviewers whose reviews do not count (bots such as a PR-review agent).',
        expected: 'a list of logins',
      }),
      [],
    ),
    pollSeconds: v.optional(
      integer(5, 3600, {
        description:
          'Shortest time between two polls of the pull requests in review (one GraphQL query for all of them); longer when many wait or GitHub\'s points run low.',
        expected: 'a number of seconds from 5 to 3600',
      }),
      20,
    ),
    checksTimeoutMinutes: v.optional(
      integer(1, 7 * 24 * 60, {
        description: 'Checks still pending this long after a push need a human (a required check that never reports blocks the pull request).',
        expected: 'a number of minutes from 1 to 10080',
      }),
      60,
    ),
  },
  { description: 'What happens after an agent run opened a pull request (docs/landing.md).', expected: 'an object' },
);
