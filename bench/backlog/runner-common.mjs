/**
 * What every runner process shares: its configuration (from BENCH_RUNNER, set by bench.mjs), the
 * report it prints as its last stdout line, and the small HTTP clients the two peer designs use
 * (plain fetch, no rate limiter: the peers are reproduced with what they had).
 */
import { performance } from 'node:perf_hooks';

/** @returns {{ github: { url: string, token: string, repo: string, projectNumber: number }, codegen: { url: string, token: string, orgId: number, repoId: number }, timeScale: number, concurrency: number, estimates: string }} */
export function runnerConfig() {
  const text = process.env.BENCH_RUNNER;
  if (!text) throw new Error('BENCH_RUNNER is not set: runners are started by bench/backlog/bench.mjs');
  return JSON.parse(text);
}

/** Real milliseconds for `apiMs` of API time. */
export const scaled = (config, apiMs) => apiMs * config.timeScale;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints the runner's report (one JSON line, the last of stdout) and exits.
 * `done` / `failed`: issue number → epoch ms when the runner knew the outcome.
 */
export function finish(report) {
  const cpu = process.cpuUsage();
  const out = {
    processStart: performance.timeOrigin,
    end: Date.now(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...report,
  };
  process.stdout.write(`\n${JSON.stringify(out)}\n`, () => process.exit(0));
}

/** The issue number of `acme/app#12`. */
export const issueNumber = (taskId) => Number(String(taskId).split('#').pop());

/**
 * A GitHub REST client for the peers: JSON in and out, the token, a retry on 5xx and on rate
 * limits (waiting `retry-after` or until `x-ratelimit-reset`), and writes spaced by 1 s of API
 * time (GitHub's guidance), one at a time.
 */
export function restClient(config) {
  const { url, token } = config.github;
  let writes = Promise.resolve();
  let lastWrite = 0;
  const call = async (method, path, body) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (res.ok) return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
      const limited = res.status === 429 || (res.status === 403 && (res.headers.get('x-ratelimit-remaining') === '0' || /rate limit/i.test(text)));
      if ((limited || res.status >= 500) && attempt < 5) {
        const after = Number(res.headers.get('retry-after'));
        const reset = Number(res.headers.get('x-ratelimit-reset')) * 1000 - Date.now();
        const apiWait = Number.isFinite(after) && after > 0 ? after * 1000 : limited && reset > 0 ? reset / config.timeScale : 2 ** attempt * 1000;
        await sleep(scaled(config, apiWait));
        continue;
      }
      throw new Error(`GitHub ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    }
  };
  const write = (method, path, body) => {
    const next = writes.then(async () => {
      const wait = lastWrite + scaled(config, 1000) - Date.now();
      if (wait > 0) await sleep(wait);
      lastWrite = Date.now();
      return call(method, path, body);
    });
    writes = next.catch(() => undefined);
    return next;
  };
  return { get: (path) => call('GET', path), write };
}

const PROSE_DEP = /(?:depends on|blocked by|requires|needs)\s+#(\d+)/gi;
const LABEL_DEP = /^depends:(?:issue-)?(\d+)$/i;

/**
 * The open issues of the repository and their dependencies as a REST-only tool reads them: the
 * issue list (100 a page), then per issue its native blocked-by list and its sub-issues (two
 * GETs each; `known` caches them for issues seen before). Prose and labels by regex.
 * @returns {Promise<Map<number, { number: number, labels: string[], deps: Set<number> }>>}
 */
export async function loadIssuesRest(gh, repo, known = new Map()) {
  const issues = new Map();
  for (let page = 1; ; page++) {
    const { json } = await gh.get(`/repos/${repo}/issues?state=open&per_page=100&page=${page}`);
    for (const raw of json) {
      if (raw.pull_request) continue;
      const deps = new Set();
      for (const m of String(raw.body ?? '').matchAll(PROSE_DEP)) deps.add(Number(m[1]));
      const labels = raw.labels.map((l) => (typeof l === 'string' ? l : l.name));
      for (const l of labels) {
        const m = LABEL_DEP.exec(l);
        if (m) deps.add(Number(m[1]));
      }
      issues.set(raw.number, { number: raw.number, labels, deps });
    }
    if (json.length < 100) break;
  }
  const todo = [...issues.keys()].filter((n) => !known.has(n));
  const lanes = Array.from({ length: 8 }, async () => {
    while (todo.length > 0) {
      const n = todo.shift();
      const [blocked, subs] = await Promise.all([gh.get(`/repos/${repo}/issues/${n}/dependencies/blocked_by`), gh.get(`/repos/${repo}/issues/${n}/sub_issues`)]);
      known.set(n, [...blocked.json.map((i) => i.number), ...subs.json.map((i) => i.number)]);
    }
  });
  await Promise.all(lanes);
  for (const issue of issues.values()) for (const d of known.get(issue.number) ?? []) issue.deps.add(d);
  return issues;
}

/** The result comment and the `status:<state>` label, as the peers write them back. */
export async function writeBack(gh, repo, number, state, text) {
  await gh.write('POST', `/repos/${repo}/issues/${number}/comments`, { body: `pco-bench: ${state}\n\n${text ?? ''}` });
  await gh.write('POST', `/repos/${repo}/issues/${number}/labels`, { labels: [`status:${state}`] });
}

/** Codegen calls for the peers: create and get, no limiter; returns `{ status, json }`. */
export function codegenClient(config) {
  const { url, token, orgId, repoId } = config.codegen;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    async create(number) {
      const res = await fetch(`${url}/v1/organizations/${orgId}/agent/run`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ prompt: `Resolve ${config.github.repo}#${number}`, repo_id: repoId, metadata: { bench_task: number } }),
      });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    async get(id) {
      const res = await fetch(`${url}/v1/organizations/${orgId}/agent/run/${id}`, { headers });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
  };
}

export const TERMINAL = new Set(['COMPLETE', 'ERROR', 'FAILED', 'CANCELLED', 'STOPPED', 'TIMEOUT', 'MAX_ITERATIONS_REACHED', 'OUT_OF_TOKENS', 'PAUSED']);
