/**
 * The setup of this package's lander tests over HTTP (not exported): a fake GitHub and a lander
 * on one ManualClock, and tasks whose follow-ups push to the fake as the agent would.
 */
import type { ExecutorOutcome, FollowUpRequest, LandingReaction } from '@pco/contract';
import { ManualClock } from '@pco/testkit/clock';
import { githubClientOptionsForFake, startFakeGitHub, type FakeGitHub, type FakeRepoFixture, type StartFakeGitHubOptions } from '@pco/testkit/github';
import { fakeLandingContext, type FakeLandingContext } from '@pco/testkit/helpers';
import { createGitHubClient } from '../octokit.js';
import type { GitHubTask } from '../types.js';
import { GitHubLander } from './github-lander.js';
import type { GitHubLanderOptions } from './options.js';

export const REPO = 'acme/shop';

export interface Harness {
  readonly clock: ManualClock;
  readonly fake: FakeGitHub;
  readonly lander: GitHubLander;
  /** Opens a PR as the agent and returns its task and context. */
  open(options: {
    readonly n?: number;
    readonly files?: readonly string[];
    readonly script?: Parameters<FakeGitHub['pulls']['open']>[0]['script'];
    readonly followUp?: (request: FollowUpRequest, number: number) => ExecutorOutcome | Promise<ExecutorOutcome>;
    readonly reactions?: readonly LandingReaction[];
    readonly signal?: AbortSignal;
  }): { readonly task: GitHubTask; readonly context: FakeLandingContext; readonly number: number; readonly url: string };
  close(): Promise<void>;
}

export async function harness(
  repo: Omit<FakeRepoFixture, 'owner' | 'name'> = {},
  options: Omit<GitHubLanderOptions, 'client'> = {},
  fakeOptions: StartFakeGitHubOptions = {},
): Promise<Harness> {
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
  const fake = await startFakeGitHub({ repos: [{ owner: 'acme', name: 'shop', ...repo }] }, { now: () => clock.now(), ...fakeOptions });
  const client = createGitHubClient(githubClientOptionsForFake(fake.url));
  const lander = new GitHubLander({ client, clock, timers: clock, ...options });
  let seq = 0;
  return {
    clock,
    fake,
    lander,
    open(o) {
      const i = o.n ?? ++seq;
      const pr = fake.pulls.open({ repo: REPO, head: `codegen/task-${i}`, title: `Task ${i}`, ...(o.files ? { files: o.files } : {}), ...(o.script ? { script: o.script } : {}) });
      const ref = { url: pr.url, number: pr.number, repo: REPO, headBranch: `codegen/task-${i}` };
      const context = fakeLandingContext({
        pullRequests: [ref],
        reached: ['run-complete'],
        clock,
        ...(o.reactions ? { reactions: o.reactions } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
        followUp: async (request) => (o.followUp ? o.followUp(request, pr.number) : { status: 'done' }),
      });
      return { task: { id: `${REPO}#${1000 + i}`, title: `Task ${i}`, source: { kind: 'issue', repo: REPO, number: 1000 + i } }, context, number: pr.number, url: pr.url };
    },
    async close() {
      lander.close();
      await fake.close();
    },
  };
}

/** The agent's answer to a follow-up: a push that fixes the pull request. */
export function pushFix(fake: FakeGitHub): (request: FollowUpRequest, number: number) => ExecutorOutcome {
  return (_request, number) => {
    fake.pulls.push(REPO, number, { fixes: true });
    return { status: 'done' };
  };
}
