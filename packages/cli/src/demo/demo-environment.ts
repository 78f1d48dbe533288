/**
 * The `pco demo` environment: a fake GitHub seeded with the sample backlog and a fake Codegen,
 * both real HTTP servers on 127.0.0.1 started in this process, and a config pointing at them,
 * validated by the same schema as a user's file. Everything runs `speed` times faster than real
 * time: agent runs, rate-limit windows, poll intervals, timeouts, retry delays and write spacing.
 */
import path from 'node:path';
import { linkFakes, sampleBacklogFixture, startFakeCodegen, startFakeGitHub, type FakeCodegen, type FakeGitHub, type FakeLink } from '@pco/testkit';
import { parseConfig, type PcoConfig } from '../config/index.js';
import { DEMO_REPO, DEMO_RULES, DEMO_TASK_TIMEOUT_SECONDS, demoPullScript, demoRunScript } from './demo-backlog.js';

export interface DemoOptions {
  /** Folder for the journal and results. */
  readonly outDir: string;
  /** Times faster than real time. @default 240 */
  readonly speed?: number;
  /** Agents at once, 1–10. @default 10 */
  readonly concurrency?: number;
}

export interface DemoEnvironment {
  readonly config: PcoConfig;
  readonly github: FakeGitHub;
  readonly codegen: FakeCodegen;
  /** The fakes linked: runs open their pull requests in the fake GitHub, follow-ups push to them. */
  readonly link: FakeLink;
  readonly speed: number;
  /** Stops both fakes. */
  close(): Promise<void>;
}

// Demo credentials: they only open the local fakes, and are scrubbed from output like real ones.
const DEMO_GITHUB_TOKEN = 'demo-github-token-0000';
const DEMO_CODEGEN_TOKEN = 'demo-codegen-token-0000';

/** Starts both fakes and builds the demo config. */
export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  const speed = options.speed ?? 240;
  const github = await startFakeGitHub(sampleBacklogFixture(), { token: DEMO_GITHUB_TOKEN, timeScale: 1 / speed });
  github.pulls.setRules(DEMO_REPO, DEMO_RULES);
  let codegen: FakeCodegen;
  try {
    codegen = await startFakeCodegen({
      tokens: [DEMO_CODEGEN_TOKEN],
      orgId: 1,
      repos: [{ id: 1, fullName: DEMO_REPO }],
      timeScale: 1 / speed,
      seed: 7,
      script: demoRunScript,
    });
  } catch (error) {
    await github.close();
    throw error;
  }
  const link = linkFakes({ codegen, github, script: demoPullScript });
  const result = parseConfig(
    {
      github: { token: DEMO_GITHUB_TOKEN, baseUrl: github.url, repos: [DEMO_REPO] },
      codegen: { orgId: 1, token: DEMO_CODEGEN_TOKEN, baseUrl: codegen.url, repoId: 1 },
      agent: {
        maxConcurrentAgents: options.concurrency ?? 10,
        taskTimeoutSeconds: DEMO_TASK_TIMEOUT_SECONDS,
        retryAttempts: 2,
        retryDelaySeconds: 30,
      },
      // pco sends the CI follow-ups: the fake's Codegen auto-fixer (on, as Codegen's default) is turned off.
      landing: { ciFixes: 'pco' },
      journal: { path: path.join(options.outDir, 'journal.jsonl'), resultsDir: options.outDir },
    },
    { env: {}, baseDir: options.outDir },
  );
  if (!result.ok) {
    await Promise.all([github.close(), codegen.close()]);
    throw new Error(`demo config invalid: ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
  return {
    config: result.config,
    github,
    codegen,
    link,
    speed,
    close: async () => {
      link.close();
      await Promise.allSettled([github.close(), codegen.close()]);
    },
  };
}
