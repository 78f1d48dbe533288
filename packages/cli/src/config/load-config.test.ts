import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from './errors.js';
import { formatConfigIssue, formatConfigIssues } from './issues.js';
import { loadConfig, parseConfig, parseConfigText } from './load-config.js';
import { runRequirementIssues } from './rules.js';
import { BASE, MALFORMED } from './malformed-configs.fixture.js';
import { CONFIG_SECTIONS, PLAN_SECTIONS } from './sections.js';
import { renderStarterConfig } from './starter.js';

function problems(text: string, env: Record<string, string> = {}, format?: 'yaml' | 'json'): string[] {
  const result = parseConfigText(text, { env, displayName: 'pco.yaml', ...(format ? { format } : {}) });
  if (result.ok) return [];
  return result.issues.map(formatConfigIssue);
}

describe('malformed configs', () => {
  it('has at least 30 cases', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(30);
  });

  it.each(MALFORMED)('$name', ({ text, env, format, expected }) => {
    expect(problems(text, env, format)).toEqual(expected);
  });

  it('lists every problem at once, in one message', () => {
    const text = `github:
  token: \${GITHUB_TOKEN}
  repos: [octo/app, nope]
agent:
  maxConcurrentAgents: 12
  retries: 3
logging:
  level: loud
`;
    const result = parseConfigText(text, { env: {}, displayName: 'pco.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigIssues(result.issues, 'pco.yaml')).toBe(
      [
        'Invalid configuration in pco.yaml (5 problems):',
        '  - github.token: environment variable GITHUB_TOKEN is not set (referenced as ${GITHUB_TOKEN}) (pco.yaml:2:10)',
        '  - agent.retries: unknown key; "agent" accepts maxConcurrentAgents, taskTimeoutSeconds, retryAttempts, retryDelaySeconds (pco.yaml:6:12)',
        '  - github.repos.1: expected a repository as "owner/name", got "nope" (pco.yaml:3:21)',
        '  - agent.maxConcurrentAgents: expected an integer from 1 to 10, got 12 (pco.yaml:5:24)',
        '  - logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "loud" (pco.yaml:8:10)',
      ].join('\n'),
    );
    for (const issue of result.issues) {
      expect(issue.path).not.toBe(undefined);
      expect(issue.expected.length).toBeGreaterThan(0);
      expect(issue.received.length).toBeGreaterThan(0);
    }
  });

  it('never echoes a secret, wherever it sits', () => {
    const secret = 'ghp_SuperSecretValue1234567890abcdef';
    const cases = [
      `github:\n  token: ${secret}\n  repos: [octo/app]\ncodegen:\n  token: [${secret}]\n`,
      `github:\n  token: { value: ${secret} }\n  repos: [octo/app]\n`,
      `github:\n  token: ${secret}\n  repos: [octo/app]\nagent:\n  maxConcurrentAgents: 99\n`,
    ];
    for (const text of cases) {
      const result = parseConfigText(text, { env: {} });
      expect(result.ok).toBe(false);
      expect(JSON.stringify(result)).not.toContain(secret);
      expect(JSON.stringify(result)).not.toContain('SuperSecret');
    }
    const fromEnv = parseConfigText(BASE, { env: { PCO_CODEGEN__TOKEN: '', PCO_GITHUB__TOKEN: secret, PCO_AGENT__RETRY_ATTEMPTS: 'x' } });
    expect(fromEnv.ok).toBe(false);
    expect(JSON.stringify(fromEnv)).not.toContain(secret);
  });
});

describe('hostile keys', () => {
  it('no key of a file or an override reaches a prototype', () => {
    const texts: [string, 'yaml' | 'json'][] = [
      [`${BASE}__proto__: { polluted: yes }\nagent: { __proto__: { polluted: yes } }\n`, 'yaml'],
      ['{"github": {"token": "x", "repos": ["octo/app"], "__proto__": {"polluted": "yes"}}, "__proto__": {"polluted": "yes"}}', 'json'],
      [`${BASE}constructor: { prototype: { polluted: yes } }\n`, 'yaml'],
    ];
    for (const [text, format] of texts) expect(parseConfigText(text, { env: {}, format }).ok).toBe(false);
    const viaOverride = parseConfigText(BASE, {
      env: { PCO_CONSTRUCTOR__PROTOTYPE__POLLUTED: 'yes' },
      overrides: [{ path: ['__proto__', 'polluted'], value: 'yes', origin: '--evil' }],
    });
    expect(viaOverride.ok ? [] : viaOverride.issues.map(formatConfigIssue)).toEqual([
      'constructor: unknown key; the top level accepts github, source, codegen, agent, automation, landing, journal, logging, ui, coordination (PCO_CONSTRUCTOR__PROTOTYPE__POLLUTED)',
      '__proto__: unknown key; the top level accepts github, source, codegen, agent, automation, landing, journal, logging, ui, coordination (--evil)',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('sections a command reads', () => {
  const starter = renderStarterConfig({ repos: ['octo/app'] });

  it('CONFIG_SECTIONS lists every top-level key of the schema', () => {
    // `coordination` has no default: without it pco runs in one process (the key stays absent).
    expect(parseConfigText(BASE, { env: {} }).ok && [...Object.keys((parseConfigText(BASE, { env: {} }) as { config: object }).config), 'coordination']).toEqual([...CONFIG_SECTIONS]);
  });

  it('the starter config loads for pco plan without the Codegen variables', () => {
    const plan = parseConfigText(starter, { env: { GITHUB_TOKEN: 'gh-token' }, sections: PLAN_SECTIONS });
    expect(plan.ok ? [] : plan.issues.map(formatConfigIssue)).toEqual([]);
    expect(plan.ok && plan.config.github.token).toBe('gh-token');
    expect(plan.ok && plan.config.codegen).toEqual({ baseUrl: 'https://api.codegen.com', stopRunOnCancel: true });
  });

  it('an unset variable in a section the command reads is still an error, naming it and the path', () => {
    const all = parseConfigText(starter, { env: { GITHUB_TOKEN: 'gh-token' }, displayName: 'pco.yaml' });
    expect(all.ok ? [] : all.issues.map(formatConfigIssue)).toEqual([
      'codegen.orgId: environment variable CODEGEN_ORG_ID is not set (referenced as ${CODEGEN_ORG_ID}) (pco.yaml:39:10)',
      'codegen.token: environment variable CODEGEN_TOKEN is not set (referenced as ${CODEGEN_TOKEN}) (pco.yaml:40:10)',
    ]);
    const plan = parseConfigText(starter, { env: { CODEGEN_TOKEN: 'cg', CODEGEN_ORG_ID: '1' }, displayName: 'pco.yaml', sections: PLAN_SECTIONS });
    expect(plan.ok ? [] : plan.issues.map(formatConfigIssue)).toEqual([
      'github.token: environment variable GITHUB_TOKEN is not set (referenced as ${GITHUB_TOKEN}) (pco.yaml:11:10)',
    ]);
  });

  it('overrides of a section not read are ignored; the file is still checked everywhere', () => {
    const env = { GITHUB_TOKEN: 'gh', PCO_CODEGEN__ORG_ID: '', PCO_AUTOMATION__AUTO_MERGE: 'sometimes' };
    expect(parseConfigText(starter, { env, sections: PLAN_SECTIONS }).ok).toBe(true);
    const run = parseConfigText(starter, { env: { ...env, CODEGEN_TOKEN: 'cg', CODEGEN_ORG_ID: '1' }, displayName: 'pco.yaml' });
    expect(run.ok ? [] : run.issues.map(formatConfigIssue)).toEqual([
      'codegen.orgId: expected an organization id (integer ≥ 1), got an empty string (PCO_CODEGEN__ORG_ID)',
      'automation.autoMerge: expected true or false, got "sometimes" (PCO_AUTOMATION__AUTO_MERGE)',
    ]);
    const typo = parseConfigText(`${BASE}codegen:\n  model: \${1MODEL}\n  orgId: two\n`, { env: {}, displayName: 'pco.yaml', sections: PLAN_SECTIONS });
    expect(typo.ok ? [] : typo.issues.map(formatConfigIssue)).toEqual([
      'codegen.model: invalid variable reference ${1MODEL}: expected ${NAME} or ${NAME:-fallback} (pco.yaml:5:10)',
      'codegen.orgId: expected an organization id (integer ≥ 1), got "two" (pco.yaml:6:10)',
    ]);
  });
});

describe('valid configs', () => {
  it('fills every default', () => {
    const result = parseConfigText(BASE, { env: {}, baseDir: '/srv/project' });
    expect(result).toEqual({
      ok: true,
      config: {
        github: {
          token: 't0ken-value',
          baseUrl: 'https://api.github.com',
          repos: ['octo/app'],
          filters: { state: 'open', labels: [] },
        },
        source: {
          type: 'issues',
          statuses: ['Todo'],
          dependencies: { prose: true, labels: true, native: true, subIssues: true, ignoreExternal: false },
          trust: { associations: ['OWNER', 'MEMBER', 'COLLABORATOR'], allowAuthors: [] },
        },
        codegen: { baseUrl: 'https://api.codegen.com', stopRunOnCancel: true },
        agent: { maxConcurrentAgents: 10, taskTimeoutSeconds: 600, retryAttempts: 2, retryDelaySeconds: 10 },
        automation: {
          postComments: true,
          statusLabels: true,
          statusLabelPrefix: 'status:',
          projectStatus: { queued: 'Todo', running: 'In Progress', done: 'Done' },
          branchPerTask: false,
          branchPrefix: 'pco/',
          autoMerge: false,
          mergeMethod: 'squash',
        },
        landing: {
          enabled: true,
          dependentsStartWhen: 'merged',
          merge: 'auto',
          mergeMethod: 'squash',
          ciFixes: 'auto',
          maxFollowUps: { checksFailed: 3, changesRequested: 3, conflict: 2 },
          maxFollowUpsPerTask: 6,
          ignoredReviewers: [],
          pollSeconds: 20,
          checksTimeoutMinutes: 60,
        },
        journal: { path: '/srv/project/.pco/journal.jsonl', resultsDir: '/srv/project/.pco' },
        logging: { level: 'info', format: 'auto' },
        ui: {},
      },
    });
  });

  it('refuses automation.autoMerge while landing is on (the lander merges), naming the field', () => {
    const result = parseConfigText('github:\n  token: t\n  repos: [o/r]\nautomation:\n  autoMerge: true\n', { env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toEqual(['automation.autoMerge']);
    expect(result.issues[0]!.message).toContain('landing.enabled');
  });

  it('interpolates ${VAR}, ${VAR:-fallback} and $${literal}, converting to the field type', () => {
    const text = `github:
  token: \${GH}
  repos: ["\${OWNER}/app", "\${OWNER}/\${REPO:-lib}"]
codegen:
  orgId: \${ORG}
  promptTemplate: "Cost is $\${PRICE}; task {{title}}"
agent:
  maxConcurrentAgents: \${AGENTS:-3}
automation:
  autoMerge: \${MERGE}
landing:
  enabled: false
`;
    const result = parseConfigText(text, { env: { GH: 'tok', OWNER: 'octo', ORG: '42', MERGE: 'yes', REPO: '' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.github.repos).toEqual(['octo/app', 'octo/lib']);
    expect(result.config.codegen.orgId).toBe(42);
    expect(result.config.codegen.promptTemplate).toBe('Cost is ${PRICE}; task {{title}}');
    expect(result.config.agent.maxConcurrentAgents).toBe(3);
    expect(result.config.automation.autoMerge).toBe(true);
  });

  it('applies PCO_* overrides over the file, converting each to its field type', () => {
    const result = parseConfigText(`${BASE}agent:\n  maxConcurrentAgents: 8\n`, {
      env: {
        PCO_AGENT__MAX_CONCURRENT_AGENTS: '4',
        PCO_GITHUB__REPOS: 'octo/app, octo/lib',
        PCO_GITHUB__FILTERS__LABELS: '["ready", "backend"]',
        PCO_SOURCE__DEPENDENCIES__SUB_ISSUES: 'off',
        PCO_AUTOMATION__PROJECT_STATUS__DONE: 'Shipped',
        PCO_GITHUB__FILTERS__MILESTONE: '7',
        PCO_CONFIG: 'ignored.yaml',
        PCO_DEBUG: '1',
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.agent.maxConcurrentAgents).toBe(4);
    expect(result.config.github.repos).toEqual(['octo/app', 'octo/lib']);
    expect(result.config.github.filters.labels).toEqual(['ready', 'backend']);
    expect(result.config.github.filters.milestone).toBe('7');
    expect(result.config.source.dependencies.subIssues).toBe(false);
    expect(result.config.automation.projectStatus).toEqual({ queued: 'Todo', running: 'In Progress', done: 'Shipped' });
  });

  it('an override replaces an unresolvable ${VAR} at the same path', () => {
    const result = parseConfigText('github:\n  token: ${MISSING}\n  repos: [octo/app]\n', {
      env: { PCO_GITHUB__TOKEN: 'from-env' },
    });
    expect(result.ok && result.config.github.token).toBe('from-env');
  });

  it('applies explicit overrides (CLI flags) last and names them in messages', () => {
    const env = { PCO_AGENT__MAX_CONCURRENT_AGENTS: '4' };
    const ok = parseConfigText(BASE, { env, overrides: [{ path: ['agent', 'maxConcurrentAgents'], value: '2', origin: '--concurrency' }] });
    expect(ok.ok && ok.config.agent.maxConcurrentAgents).toBe(2);
    const bad = parseConfigText(BASE, { env, overrides: [{ path: ['agent', 'maxConcurrentAgents'], value: '12', origin: '--concurrency' }] });
    expect(bad.ok ? [] : bad.issues.map(formatConfigIssue)).toEqual([
      'agent.maxConcurrentAgents: expected an integer from 1 to 10, got 12 (--concurrency)',
    ]);
  });

  it('reads JSON with positions', () => {
    const text = '{\n  "github": {"token": "x", "repos": ["octo/app"]},\n  "agent": {"retryAttempts": 11}\n}\n';
    expect(problems(text, {}, 'json')).toEqual([
      'agent.retryAttempts: expected an integer from 0 to 10, got 11 (pco.yaml:3:30)',
    ]);
  });

  it('accepts a project board source', () => {
    const result = parseConfigText(
      'github:\n  token: x\n  project: { owner: octo, number: 3, ownerType: user }\nsource:\n  type: project\n  statuses: [Ready, Todo]\n',
      { env: {} },
    );
    expect(result.ok && result.config.github.project).toEqual({ owner: 'octo', number: 3, ownerType: 'user' });
    expect(result.ok && result.config.source.statuses).toEqual(['Ready', 'Todo']);
  });

  it('validates objects built in code the same way', () => {
    expect(parseConfig({ github: { token: 'x', repos: ['octo/app'] } }, { env: {} }).ok).toBe(true);
    const bad = parseConfig({ github: { token: 'x', repos: ['octo/app'] }, agent: { maxConcurrentAgents: 0 } }, { env: {} });
    expect(bad.ok ? [] : bad.issues.map(formatConfigIssue)).toEqual([
      'agent.maxConcurrentAgents: expected an integer from 1 to 10, got 0',
    ]);
  });

  it('says what `pco run` still needs', () => {
    const result = parseConfigText(BASE, { env: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(runRequirementIssues(result.config).map(formatConfigIssue)).toEqual([
      'codegen.orgId: expected an organization id (integer ≥ 1), got nothing (pco run needs it to start agents)',
      'codegen.token: expected a Codegen API token (non-empty string), got nothing (pco run needs it to start agents)',
    ]);
    const full = parseConfigText(`${BASE}codegen: { orgId: 1, token: abc }\n`, { env: {} });
    expect(full.ok && runRequirementIssues(full.config)).toEqual([]);
  });
});

describe('loadConfig (files)', () => {
  it('reads a file and resolves journal paths against its folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-config-'));
    const file = path.join(dir, 'pco.yml');
    await writeFile(file, `${BASE}journal:\n  path: state/journal.jsonl\n  resultsDir: /abs/results\n`);
    const result = await loadConfig({ path: file, env: {} });
    expect(result.ok && result.config.journal).toEqual({ path: path.join(dir, 'state/journal.jsonl'), resultsDir: '/abs/results' });
  });

  it('reads .json files as JSON', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pco-config-'));
    const file = path.join(dir, 'pco.json');
    await writeFile(file, '{"github": {"token": "x", "repos": ["octo/app"]}, }');
    const result = await loadConfig({ path: file, env: {}, displayName: 'pco.json' });
    expect(result.ok ? [] : result.issues.map((issue) => issue.message.split(':')[0])).toEqual(['JSON syntax error']);
  });

  it('throws ConfigFileError for a missing file', async () => {
    await expect(loadConfig({ path: '/nonexistent/pco.yaml', env: {} })).rejects.toMatchObject({
      name: 'ConfigFileError',
      code: 'CONFIG_NOT_FOUND',
      message: 'Config file /nonexistent/pco.yaml does not exist (run `pco init` to create one)',
    });
    await expect(loadConfig({ path: tmpdir(), env: {} })).rejects.toBeInstanceOf(ConfigFileError);
  });
});
