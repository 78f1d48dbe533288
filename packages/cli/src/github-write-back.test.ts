// The orchestrator and the GitHubReporter together, over HTTP with the fake GitHub and GitHub's
// write spacing (scaled down): updates of one task reach GitHub in order even while queued labels
// wait in the reporter's background lane and the orchestrator cuts stale ones short; every issue
// ends with its final label and one result comment, and nothing is reported as an error.
import { createGitHubClient, GitHubIssuesSource, GitHubReporter } from '@pco/github-source';
import { githubClientOptionsForFake as testClientOptions, startFakeGitHub, type FakeGitHub } from '@pco/testkit/github';
import { afterEach, describe, expect, it } from 'vitest';
import { Orchestrator } from '@pco/core';

let fake: FakeGitHub | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const STATES = ['queued', 'running', 'done'];

describe('GitHub write-back under write spacing', () => {
  it('writes each task’s labels in state order, ends every issue done with one comment, reports no error', async () => {
    // Ten independent issues and a chain of two behind #1: at the start, more tasks are queued
    // than there are agents, so queued labels wait in the lane while tasks start and finish.
    const issues = Array.from({ length: 10 }, (_, i) => ({ number: i + 1, title: `Task ${i + 1}`, body: 'Independent.' }));
    issues.push({ number: 11, title: 'Task 11', body: 'Depends on #1' }, { number: 12, title: 'Task 12', body: 'Depends on #11' });
    fake = await startFakeGitHub({ repos: [{ owner: 'acme', name: 'lane', issues }] });
    const client = createGitHubClient(testClientOptions(fake.url, { writeSpacingMs: 10, notificationSpacingMs: 10 }));
    const orc = new Orchestrator({
      source: new GitHubIssuesSource({ client, repos: ['acme/lane'] }),
      executor: { execute: () => new Promise((resolve) => setTimeout(() => resolve({ status: 'done' }), 30)) },
      reporters: [new GitHubReporter({ client })],
      concurrency: 3,
    });
    const errors: unknown[] = [];
    orc.on('error', (e) => void errors.push(e.error));
    const summary = await orc.run();

    expect(summary.counts.done).toBe(12);
    expect(errors).toEqual([]);
    for (let n = 1; n <= 12; n++) {
      const issue = fake.issue(`acme/lane#${n}`);
      expect(issue.labels.filter((l) => l.startsWith('status:'))).toEqual(['status:done']);
      expect(issue.comments).toHaveLength(1);
      // The status labels this issue was given, in request order: never a state before an
      // earlier one (a stale queued label after running, say).
      const added = fake.requests
        .filter((r) => r.method === 'POST' && r.path === `/repos/acme/lane/issues/${n}/labels`)
        .map((r) => STATES.indexOf((r.body as { labels: string[] }).labels[0]!.replace('status:', '')));
      expect(added).toEqual([...added].sort((a, b) => a - b));
      expect(added.at(-1)).toBe(STATES.indexOf('done'));
    }
  });
});
