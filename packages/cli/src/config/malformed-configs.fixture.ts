/**
 * Malformed configurations and the exact lines pco prints for each (`path: message (origin)`),
 * shared by the loader's unit tests and the CLI tests (which check exit code 2 and stderr).
 * Every case is named with the file as `pco.yaml`. The CLI tests load each with `pco plan`, which
 * resolves `${VAR}` and `PCO_*` only in github, source and agent: cases about the environment sit
 * there (elsewhere plan would not resolve them, and would go on to call GitHub).
 */

export const BASE = `github:
  token: t0ken-value
  repos: [octo/app]
`;

// Each case: a malformed config and the exact lines `pco` prints for it (path: message (origin)).
export const MALFORMED: readonly { name: string; text: string; env?: Record<string, string>; format?: 'json'; expected: string[] }[] = [
  {
    name: 'YAML syntax error',
    text: 'github:\n  token: [unclosed\n',
    expected: ['pco.yaml:3:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  },
  {
    name: 'duplicate key',
    text: `${BASE}agent:\n  retryAttempts: 1\n  retryAttempts: 2\n`,
    expected: ['agent.retryAttempts: duplicate key "retryAttempts" (first at line 5) (pco.yaml:6:3)'],
  },
  {
    name: 'duplicate key in a flow mapping',
    text: 'github: { token: abcd, repos: [octo/app], token: efgh }\n',
    expected: ['github.token: duplicate key "token" (first at line 1) (pco.yaml:1:43)'],
  },
  {
    name: 'duplicate key in JSON',
    text: '{"github": {"token": "x", "repos": ["octo/app"]},\n "github": {}}',
    format: 'json',
    expected: ['github: duplicate key "github" (first at line 1) (pco.yaml:2:2)'],
  },
  {
    name: 'YAML alias bomb ("billion laughs")',
    text: `${BASE}x:\n${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i, all) => `  ${name}: &${name} [${Array.from({ length: 9 }, () => (i === 0 ? 'lol' : `*${all[i - 1]!}`)).join(', ')}]`).join('\n')}\n`,
    expected: [
      'pco.yaml: YAML aliases expand too much (an anchor\'s aliases would be expanded more than 100 times, as in a "billion laughs" document); write the values out instead of nesting aliases',
    ],
  },
  {
    name: '__proto__ at the top level',
    text: `${BASE}__proto__:\n  polluted: true\n`,
    expected: ['__proto__: unknown key; the top level accepts github, source, codegen, agent, automation, landing, journal, logging, ui, coordination (pco.yaml:5:3)'],
  },
  {
    name: '__proto__ in a section',
    text: `${BASE}agent:\n  __proto__: { maxConcurrentAgents: 50 }\n`,
    expected: [
      'agent.__proto__: unknown key; "agent" accepts maxConcurrentAgents, taskTimeoutSeconds, retryAttempts, retryDelaySeconds (pco.yaml:5:14)',
    ],
  },
  {
    name: '__proto__ at the top level of JSON',
    text: '{"github": {"token": "x", "repos": ["octo/app"]}, "__proto__": {"polluted": true}}',
    format: 'json',
    expected: ['__proto__: unknown key; the top level accepts github, source, codegen, agent, automation, landing, journal, logging, ui, coordination (pco.yaml:1:64)'],
  },
  {
    name: '__proto__ in a JSON section',
    text: '{"github": {"token": "x", "repos": ["octo/app"], "__proto__": {"token": 1}}}',
    format: 'json',
    expected: ['github.__proto__: unknown key; "github" accepts token, baseUrl, repos, project, filters (pco.yaml:1:63)'],
  },
  {
    name: 'constructor and prototype keys',
    text: `${BASE}source:\n  constructor:\n    prototype: { polluted: true }\n`,
    expected: ['source.constructor: unknown key; "source" accepts type, statuses, dependencies, trust (pco.yaml:6:5)'],
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
    name: 'unknown placeholder in the prompt template',
    text: `${BASE}codegen:\n  promptTemplate: "Fix {{titel}} ({{url}}) {{ repo }}"\n`,
    expected: [
      'codegen.promptTemplate: unknown placeholders {{titel}}, {{repo}}; expected placeholders among {{id}}, {{title}}, {{body}}, {{url}}, {{labels}}, {{attempt}}, {{dependencies}} (pco.yaml:5:19)',
    ],
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
    text: `${BASE}  baseUrl: https://\${GHE_HOST}/api/v3\n`,
    expected: ['github.baseUrl: environment variable GHE_HOST is not set (referenced as ${GHE_HOST}) (pco.yaml:4:12)'],
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
    env: { PCO_SOURCE__DEPENDENCIES__PROSE: 'sometimes' },
    expected: ['source.dependencies.prose: expected true or false, got "sometimes" (PCO_SOURCE__DEPENDENCIES__PROSE)'],
  },
];

export function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

