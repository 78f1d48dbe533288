/**
 * Loads a backlog from GitHub issues, shows the dependencies pco derived (prose, labels, native
 * links, sub-issues) and the tasks it will not run, then writes one result back: a status label,
 * the result comment and an auto-merged pull request. Runs against the fake GitHub from
 * @pco/testkit, seeded with its sample backlog, so it needs no token and no network.
 *
 *   node --conditions=@pco/source --import tsx examples/github-source/backlog-round-trip.ts
 *
 * Against real GitHub: drop the fake, pass `{ token: process.env.GITHUB_TOKEN }` to
 * createGitHubClient and your own repository to the source.
 */
import { createGitHubClient, GitHubIssuesSource, GitHubReporter } from '@pco/github-source';
import { githubClientOptionsForFake, sampleBacklogFixture, startFakeGitHub } from '@pco/testkit/github';

/** Runs the round trip and returns what it printed. */
export async function backlogRoundTrip(): Promise<string> {
  const fake = await startFakeGitHub(sampleBacklogFixture());
  const lines: string[] = [];
  try {
    // githubClientOptionsForFake: no write spacing and millisecond backoffs. Use createGitHubClient({ token }) for real.
    const client = createGitHubClient(githubClientOptionsForFake(fake.url));
    const tasks = await new GitHubIssuesSource({ client, repos: 'acme/shop', labels: ['agent'] }).load();

    lines.push(`${tasks.length} tasks loaded in ${fake.requests.length} API calls`);
    for (const task of tasks) {
      const deps = task.dependencies?.length ? ` ← ${task.dependencies.join(', ')}` : '';
      const skip = task.skip ? `  [skipped: ${task.skip.reason}]` : '';
      lines.push(`  ${task.id.padEnd(13)} ${task.title}${deps}${skip}`);
      for (const warning of task.warnings ?? []) lines.push(`      warning: ${warning}`);
    }

    const reporter = new GitHubReporter({ client, autoMerge: { method: 'squash' } });
    reporter.on('merge', ({ pullRequest, outcome }) => lines.push(`merge ${pullRequest.url}: ${outcome.status}`));
    const task = tasks.find((t) => t.id === 'acme/shop#1')!;
    await reporter.report({
      runId: 'example',
      task,
      state: 'done',
      attempt: 1,
      at: Date.now(),
      result: {
        id: task.id,
        state: 'done',
        attempts: 1,
        runId: 4242,
        webUrl: 'https://codegen.com/agent/trace/4242',
        summary: 'Created the orders tables and their migrations.',
        durationMs: 312_000,
        pullRequests: [{ url: 'https://github.com/acme/shop/pull/25', number: 25, repo: 'acme/shop' }],
      },
    });
    const issue = fake.issue('acme/shop#1');
    lines.push(`acme/shop#1 labels: ${issue.labels.join(', ')}`);
    lines.push(`acme/shop#1 comments: ${issue.comments.length}`);
    return lines.join('\n');
  } finally {
    await fake.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await backlogRoundTrip());
}
