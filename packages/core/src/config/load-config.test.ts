import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigFileError } from './errors.js';
import { formatConfigIssue, formatConfigIssues } from './issues.js';
import { loadConfig, parseConfig, parseConfigText, runRequirementIssues } from './load-config.js';

const BASE = `github:
  token: t0ken-value
  repos: [octo/app]
`;

function problems(text: string, env: Record<string, string> = {}, format?: 'yaml' | 'json'): string[] {
  const result = parseConfigText(text, { env, displayName: 'pco.yaml', ...(format ? { format } : {}) });
  if (result.ok) return [];
  return result.issues.map(formatConfigIssue);
}

// Each case: a malformed config and the exact lines `pco` prints for it (path: message (origin)).
const MALFORMED: readonly { name: string; text: string; env?: Record<string, string>; format?: 'json'; expected: string[] }[] = [
  {
    name: 'YAML syntax error',
    text: 'github:\n  token: [unclosed\n',
    expected: ['pco.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'duplicate key',
    text: `${BASE}agent:\n  retryAttempts: 1\n  retryAttempts: 2\n`,
    expected: ['pco.yaml:6:3: YAML syntax error: Map keys must be unique'],
  },
  {
    name: 'JSON syntax error',
    text: '{"github": {"token": "x",}}',
    format: 'json',
    expected: [`pco.yaml: JSON syntax error: ${jsonError('{"github": {"token": "x",}}')}`],
  },
  {
    name: 'the file is a list',
    text: '- github\n- agent\n',
    expected: ['pco.yaml: expected a mapping of sections (github, source, codegen, …), got a list of 2'],
  },
  {
    name: 'the file is a scalar',
    text: 'just some text\n',
    expected: ['pco.yaml: expected a mapping of sections (github, source, codegen, …), got "just some text"'],
  },
  {
    name: 'empty file',
    text: '',
    expected: ['github: expected an object with token and repos (or project), got nothing'],
  },
  {
    name: 'github.token missing',
    text: 'github:\n  repos: [octo/app]\n',
    expected: ['github.token: expected a GitHub token (non-empty string), got nothing'],
  },
  {
    name: 'github.token empty (secret not echoed)',
    text: 'github:\n  token: ""\n  repos: [octo/app]\n',
    expected: ['github.token: expected a GitHub token (non-empty string), got a string (redacted) (pco.yaml:2:10)'],
  },
  {
    name: 'github.token a number (secret not echoed)',
    text: 'github:\n  token: 12345678\n  repos: [octo/app]\n',
    expected: ['github.token: expected a GitHub token (non-empty string), got a number (redacted) (pco.yaml:2:10)'],
  },
  {
    name: 'unknown section with a suggestion',
    text: `${BASE}agents:\n  maxConcurrentAgents: 2\n`,
    expected: ['agents: unknown key; did you mean "agent"? (pco.yaml:5:3)'],
  },
  {
    name: 'snake_case key',
    text: `${BASE}agent:\n  max_concurrent_agents: 2\n`,
    expected: ['agent.max_concurrent_agents: unknown key; did you mean "maxConcurrentAgents"? (pco.yaml:5:26)'],
  },
  {
    name: 'unknown key without a close match',
    text: `${BASE}logging:\n  colour: true\n`,
    expected: ['logging.colour: unknown key; "logging" accepts level, format (pco.yaml:5:11)'],
  },
  {
    name: 'a section that is not a mapping',
    text: `${BASE}agent: 5\n`,
    expected: ['agent: expected an object, got 5 (pco.yaml:4:8)'],
  },
  {
    name: 'maxConcurrentAgents 0',
    text: `${BASE}agent:\n  maxConcurrentAgents: 0\n`,
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got 0 (pco.yaml:5:24)'],
  },
  {
    name: 'maxConcurrentAgents 11',
    text: `${BASE}agent:\n  maxConcurrentAgents: 11\n`,
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got 11 (pco.yaml:5:24)'],
  },
  {
    name: 'maxConcurrentAgents fractional',
    text: `${BASE}agent:\n  maxConcurrentAgents: 2.5\n`,
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got 2.5 (pco.yaml:5:24)'],
  },
  {
    name: 'maxConcurrentAgents a word',
    text: `${BASE}agent:\n  maxConcurrentAgents: four\n`,
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got "four" (pco.yaml:5:24)'],
  },
  {
    name: 'task timeout under a minute',
    text: `${BASE}agent:\n  taskTimeoutSeconds: 59\n`,
    expected: ['agent.taskTimeoutSeconds: expected a number of seconds from 60 to 604800, got 59 (pco.yaml:5:23)'],
  },
  {
    name: 'negative retry attempts',
    text: `${BASE}agent:\n  retryAttempts: -1\n`,
    expected: ['agent.retryAttempts: expected an integer from 0 to 10, got -1 (pco.yaml:5:18)'],
  },
  {
    name: 'retry delay over an hour',
    text: `${BASE}agent:\n  retryDelaySeconds: 3601\n`,
    expected: ['agent.retryDelaySeconds: expected a number of seconds from 0 to 3600, got 3601 (pco.yaml:5:22)'],
  },
  {
    name: 'unknown log level',
    text: `${BASE}logging:\n  level: verbose\n`,
    expected: [
      'logging.level: expected one of "trace", "debug", "info", "warn", "error", "fatal", "silent", got "verbose" (pco.yaml:5:10)',
    ],
  },
  {
    name: 'unknown log format',
    text: `${BASE}logging:\n  format: text\n`,
    expected: ['logging.format: expected one of "auto", "pretty", "json", got "text" (pco.yaml:5:11)'],
  },
  {
    name: 'unknown source type',
    text: `${BASE}source:\n  type: board\n`,
    expected: ['source.type: expected "issues" or "project", got "board" (pco.yaml:5:9)'],
  },
  {
    name: 'project source without a project',
    text: `${BASE}source:\n  type: project\n`,
    expected: ['github.project: expected the board to read, { owner, number } (source.type is "project"), got nothing (pco.yaml:5:9)'],
  },
  {
    name: 'issues source without repositories',
    text: 'github:\n  token: abcd\n  repos: []\n',
    expected: [
      'github.repos: expected at least one repository as "owner/name" (source.type is "issues"), got nothing (pco.yaml:3:10)',
    ],
  },
  {
    name: 'repository without an owner',
    text: 'github:\n  token: abcd\n  repos: [app]\n',
    expected: ['github.repos.0: expected a repository as "owner/name", got "app" (pco.yaml:3:11)'],
  },
  {
    name: 'repository listed twice',
    text: 'github:\n  token: abcd\n  repos: [octo/app, Octo/App]\n',
    expected: ['github.repos.1: duplicate repository "Octo/App" (already github.repos.0) (pco.yaml:3:21)'],
  },
  {
    name: 'repos as a single string',
    text: 'github:\n  token: abcd\n  repos: octo/app\n',
    expected: ['github.repos: expected a list of repositories as "owner/name", got "octo/app" (pco.yaml:3:10)'],
  },
  {
    name: 'base URL that is not a URL',
    text: `${BASE}  baseUrl: github.example.com\n`,
    expected: ['github.baseUrl: expected an http(s) URL, got "github.example.com" (pco.yaml:4:12)'],
  },
  {
    name: 'base URL with another scheme',
    text: `${BASE}  baseUrl: ftp://github.example.com\n`,
    expected: ['github.baseUrl: expected an http(s) URL, got "ftp://github.example.com" (pco.yaml:4:12)'],
  },
  {
    name: 'Codegen org id as text',
    text: `${BASE}codegen:\n  orgId: acme\n`,
    expected: ['codegen.orgId: expected an organization id (integer ≥ 1), got "acme" (pco.yaml:5:10)'],
  },
  {
    name: 'Codegen org id 0',
    text: `${BASE}codegen:\n  orgId: 0\n`,
    expected: ['codegen.orgId: expected an organization id (integer ≥ 1), got 0 (pco.yaml:5:10)'],
  },
  {
    name: 'unknown agent type',
    text: `${BASE}codegen:\n  agentType: devin\n`,
    expected: ['codegen.agentType: expected "codegen" or "claude_code", got "devin" (pco.yaml:5:14)'],
  },
  {
    name: 'issue state filter',
    text: `${BASE}  filters:\n    state: opened\n`,
    expected: ['github.filters.state: expected one of "open", "closed", "all", got "opened" (pco.yaml:5:12)'],
  },
  {
    name: 'since that is not a date',
    text: `${BASE}  filters:\n    since: last week\n`,
    expected: [
      'github.filters.since: expected an ISO-8601 date or timestamp such as 2025-01-31 or 2025-01-31T12:00:00Z, got "last week" (pco.yaml:5:12)',
    ],
  },
  {
    name: 'since with an impossible month',
    text: `${BASE}  filters:\n    since: 2025-13-01\n`,
    expected: [
      'github.filters.since: expected an ISO-8601 date or timestamp such as 2025-01-31 or 2025-01-31T12:00:00Z, got "2025-13-01" (pco.yaml:5:12)',
    ],
  },
  {
    name: 'milestone 0',
    text: `${BASE}  filters:\n    milestone: 0\n`,
    expected: ['github.filters.milestone: expected a milestone number, "none" or "*", got 0 (pco.yaml:5:16)'],
  },
  {
    name: 'unknown author association',
    text: `${BASE}source:\n  trust:\n    associations: [OWNER, ADMIN]\n`,
    expected: [
      'source.trust.associations.1: expected one of "OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE", got "ADMIN" (pco.yaml:6:27)',
    ],
  },
  {
    name: 'allow-listed login with a space',
    text: `${BASE}source:\n  trust:\n    allowAuthors: ["some one"]\n`,
    expected: ['source.trust.allowAuthors.0: expected a GitHub login, got "some one" (pco.yaml:6:20)'],
  },
  {
    name: 'YAML 1.1 boolean "yes" is a string in YAML 1.2',
    text: `${BASE}automation:\n  postComments: yes\n`,
    expected: ['automation.postComments: expected true or false, got "yes" (pco.yaml:5:17)'],
  },
  {
    name: 'unknown merge method',
    text: `${BASE}automation:\n  mergeMethod: fast-forward\n`,
    expected: ['automation.mergeMethod: expected one of "merge", "squash", "rebase", got "fast-forward" (pco.yaml:5:16)'],
  },
  {
    name: 'empty project status option',
    text: `${BASE}automation:\n  projectStatus:\n    done: ""\n`,
    expected: ['automation.projectStatus.done: expected a Status option name (non-empty string) or null, got an empty string (pco.yaml:6:11)'],
  },
  {
    name: 'unknown task state in the project status mapping',
    text: `${BASE}automation:\n  projectStatus:\n    finished: Done\n`,
    expected: [
      'automation.projectStatus.finished: unknown key; "automation.projectStatus" accepts queued, running, done, failed, skipped, needsInput, interrupted (pco.yaml:6:15)',
    ],
  },
  {
    name: 'negative project number',
    text: 'github:\n  token: abcd\n  project: { owner: octo, number: -3 }\nsource:\n  type: project\n',
    expected: ['github.project.number: expected a project number (integer ≥ 1), got -3 (pco.yaml:3:35)'],
  },
  {
    name: 'blank journal path',
    text: `${BASE}journal:\n  path: "  "\n`,
    expected: ['journal.path: expected a file path (non-empty string), got a blank string (pco.yaml:5:9)'],
  },
  {
    name: 'missing environment variable',
    text: 'github:\n  token: ${GITHUB_TOKEN}\n  repos: [octo/app]\n',
    expected: ['github.token: environment variable GITHUB_TOKEN is not set (referenced as ${GITHUB_TOKEN}) (pco.yaml:2:10)'],
  },
  {
    name: 'missing environment variable inside a longer value',
    text: `${BASE}codegen:\n  baseUrl: https://\${CODEGEN_HOST}/api\n`,
    expected: ['codegen.baseUrl: environment variable CODEGEN_HOST is not set (referenced as ${CODEGEN_HOST}) (pco.yaml:5:12)'],
  },
  {
    name: 'invalid variable name',
    text: `${BASE}codegen:\n  model: \${1MODEL}\n`,
    expected: ['codegen.model: invalid variable reference ${1MODEL}: expected ${NAME} or ${NAME:-fallback} (pco.yaml:5:10)'],
  },
  {
    name: 'unterminated variable reference',
    text: `${BASE}codegen:\n  model: "\${MODEL"\n`,
    expected: ['codegen.model: unterminated variable reference "${" (write $${ for a literal) (pco.yaml:5:10)'],
  },
  {
    name: 'interpolated value of the wrong type',
    text: `${BASE}agent:\n  maxConcurrentAgents: \${AGENTS}\n`,
    env: { AGENTS: 'many' },
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got "many" (pco.yaml:5:24)'],
  },
  {
    name: 'environment override of the wrong type',
    text: BASE,
    env: { PCO_AGENT__MAX_CONCURRENT_AGENTS: 'zero' },
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got "zero" (PCO_AGENT__MAX_CONCURRENT_AGENTS)'],
  },
  {
    name: 'environment override out of range',
    text: BASE,
    env: { PCO_AGENT__MAX_CONCURRENT_AGENTS: '40' },
    expected: ['agent.maxConcurrentAgents: expected an integer from 1 to 10, got 40 (PCO_AGENT__MAX_CONCURRENT_AGENTS)'],
  },
  {
    name: 'environment override of an unknown key',
    text: BASE,
    env: { PCO_AGENT__MAX_AGENTS: '4' },
    expected: ['agent.maxAgents: unknown key; did you mean "maxConcurrentAgents"? (PCO_AGENT__MAX_AGENTS)'],
  },
  {
    name: 'environment override of a boolean',
    text: BASE,
    env: { PCO_AUTOMATION__AUTO_MERGE: 'sometimes' },
    expected: ['automation.autoMerge: expected true or false, got "sometimes" (PCO_AUTOMATION__AUTO_MERGE)'],
  },
];

function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
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
        codegen: { baseUrl: 'https://api.codegen.com' },
        agent: { maxConcurrentAgents: 10, taskTimeoutSeconds: 600, retryAttempts: 2, retryDelaySeconds: 10 },
        automation: {
          postComments: true,
          statusLabels: true,
          statusLabelPrefix: 'status:',
          projectStatus: { queued: 'Todo', running: 'In Progress', done: 'Done' },
          autoMerge: false,
          mergeMethod: 'squash',
        },
        journal: { path: '/srv/project/.pco/journal.jsonl', resultsDir: '/srv/project/.pco' },
        logging: { level: 'info', format: 'auto' },
      },
    });
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
