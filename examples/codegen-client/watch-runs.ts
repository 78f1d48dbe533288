/**
 * Runs five agent tasks against the fake Codegen API and watches them to the end with one
 * poller. Run it with:
 *
 *   npx tsx --conditions @pco/source examples/codegen-client/watch-runs.ts
 *
 * Against the real API, drop the fake and pass your token, org id and no `timeScale`.
 */
import { pathToFileURL } from 'node:url';
import { CodegenClient, pullRequestsOf, waitForRuns } from '@pco/codegen-client';
import { createAcceleratedTime } from '@pco/testkit/clock';
import { startFakeCodegen } from '@pco/testkit/codegen';

export interface WatchRunsSummary {
  readonly runs: { readonly id: number; readonly status: string | null; readonly prs: readonly string[] }[];
  readonly statusChanges: number;
  readonly requests: number;
  readonly rateLimited: number;
}

export async function main(log: (line: string) => void = console.log): Promise<WatchRunsSummary> {
  // 1000x faster than the real service: a 5-minute run takes 300 ms. The fake, the client and
  // the watcher share one sped-up clock.
  const time = createAcceleratedTime({ speed: 1000 });
  const fake = await startFakeCodegen({ now: time.clock.now, seed: 7 });
  try {
    const client = new CodegenClient({ token: fake.token, orgId: fake.orgId, baseUrl: fake.url, clock: time.clock, timers: time.timers });
    const prompts = [
      'Add a --json flag to the export command [[fake:duration=5m prs=1]]',
      'Fix the flaky retry test [[fake:duration=3m prs=1]]',
      'Upgrade the parser [[fake:status=ERROR duration=2m]]',
      'Write the migration guide [[fake:duration=4m prs=2]]',
      'Ask for the API design [[fake:status=PAUSED duration=1m]]',
    ];
    // createRunOnce tags each run so a lost response never leads to a second, paid-for run.
    const runs = await Promise.all(
      prompts.map(async (prompt, index) => {
        const { run } = await client.createRunOnce({ prompt }, { key: 'example_task', value: `task-${index}` });
        return run;
      }),
    );
    log(`created runs ${runs.map((r) => r.id).join(', ')}`);

    let statusChanges = 0;
    const results = await waitForRuns(
      client,
      runs.map((r) => r.id),
      {
        clock: time.clock,
        timers: time.timers,
        timeoutMs: 30_000 * time.speed, // 30 s of real time
        onStatus: ({ runId, previous, status }) => {
          statusChanges += 1;
          log(`run ${runId}: ${previous ?? '(new)'} -> ${status}`);
        },
      },
    );

    const summary = results.map((result) => {
      if (!result.ok) return { id: result.runId, status: null, prs: [] };
      const prs = pullRequestsOf(result.run).map((pr) => pr.url);
      log(`run ${result.runId} ended ${result.run.status}${prs.length > 0 ? `: ${prs.join(' ')}` : ''}`);
      return { id: result.runId, status: result.run.status, prs };
    });
    const stats = fake.stats();
    log(`${stats.total} requests, ${stats.rateLimited} rate-limited`);
    return { runs: summary, statusChanges, requests: stats.total, rateLimited: stats.rateLimited };
  } finally {
    await fake.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
