/**
 * The pco configuration schema: the single source of truth for the config type
 * ({@link PcoConfig} is inferred from it), its defaults, its validation messages and the
 * generated reference in docs/configuration.md.
 *
 * Every leaf carries a {@link FieldInfo} (valibot `metadata`): what it is, what it expects (the
 * text used in error messages) and whether it is a secret. Defaults live in exactly one place:
 * the `v.optional(schema, default)` wrappers below.
 */
import * as v from 'valibot';

/** Documentation and validation text attached to every config field. */
export type FieldInfo = {
  /** One or two sentences for the reference docs. */
  readonly description: string;
  /** What a valid value looks like, as used in "expected …, got …" messages. */
  readonly expected: string;
  /** Secrets are never printed: not in errors, not in `--debug` output, not in logs. */
  readonly secret?: boolean;
  /** Shown in the docs instead of the default when the default is empty or computed. */
  readonly example?: string;
};

/** Documentation attached to each config section (object). */
export type SectionInfo = {
  readonly description: string;
  readonly expected: string;
};

function info<TInput>(field: FieldInfo): v.MetadataAction<TInput, FieldInfo> {
  return v.metadata<TInput, FieldInfo>(field);
}

/** Log levels pino understands, plus `silent`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** GitHub's `author_association` values (REST and GraphQL `CommentAuthorAssociation`). */
export const AUTHOR_ASSOCIATIONS = [
  'OWNER',
  'MEMBER',
  'COLLABORATOR',
  'CONTRIBUTOR',
  'FIRST_TIME_CONTRIBUTOR',
  'FIRST_TIMER',
  'MANNEQUIN',
  'NONE',
] as const;

const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function httpUrl(field: FieldInfo) {
  return v.pipe(
    v.string(),
    v.url(),
    v.check((value) => /^https?:\/\//i.test(value)),
    info(field),
  );
}

function nonEmptyString(field: FieldInfo) {
  return v.pipe(v.string(), v.trim(), v.nonEmpty(), info(field));
}

function integer(min: number, max: number, field: FieldInfo) {
  return v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max), info(field));
}

function flag(field: FieldInfo) {
  return v.pipe(v.boolean(), info(field));
}

function list<const TItem extends v.GenericSchema>(item: TItem, field: FieldInfo) {
  return v.pipe(v.array(item), info(field));
}

function section<const TEntries extends v.ObjectEntries>(entries: TEntries, sectionInfo: SectionInfo) {
  return v.pipe(v.object(entries), v.metadata<v.InferOutput<v.ObjectSchema<TEntries, undefined>>, SectionInfo>(sectionInfo));
}

/* ---------------------------------------------------------------------------------------------- */

const githubProject = section(
  {
    owner: v.pipe(
      v.string(),
      v.regex(LOGIN_PATTERN),
      info({ description: 'Login of the organization or user that owns the board.', expected: 'a GitHub login' }),
    ),
    ownerType: v.optional(
      v.pipe(
        v.picklist(['auto', 'organization', 'user']),
        info({
          description: 'Whether `owner` is an organization or a user; `auto` asks GitHub (one query).',
          expected: 'one of "auto", "organization", "user"',
        }),
      ),
      'auto',
    ),
    number: integer(1, Number.MAX_SAFE_INTEGER, {
      description: 'The project number, as in `https://github.com/orgs/OWNER/projects/NUMBER`.',
      expected: 'a project number (integer ≥ 1)',
    }),
  },
  {
    description: 'The GitHub Projects v2 board to read when `source.type` is `project`.',
    expected: 'an object with owner and number',
  },
);

const githubFilters = section(
  {
    state: v.optional(
      v.pipe(
        v.picklist(['open', 'closed', 'all']),
        info({ description: 'Which issues to load by state.', expected: 'one of "open", "closed", "all"' }),
      ),
      'open',
    ),
    labels: v.optional(
      list(nonEmptyString({ description: 'A label name.', expected: 'a label name (non-empty string)' }), {
        description: 'Only issues that carry every one of these labels.',
        expected: 'a list of label names',
      }),
      [],
    ),
    assignee: v.optional(
      nonEmptyString({
        description: 'Only issues assigned to this login (`none` for unassigned, `*` for any).',
        expected: 'a login, "none" or "*"',
      }),
    ),
    milestone: v.optional(
      v.pipe(
        v.union([v.pipe(v.string(), v.trim(), v.nonEmpty()), v.pipe(v.number(), v.integer(), v.minValue(1))]),
        info({
          description: 'Only issues in this milestone (its number, `none` or `*`).',
          expected: 'a milestone number, "none" or "*"',
        }),
      ),
    ),
    since: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/),
        v.check((value) => !Number.isNaN(Date.parse(value))),
        info({
          description: 'Only issues updated at or after this ISO-8601 date or timestamp.',
          expected: 'an ISO-8601 date or timestamp such as 2025-01-31 or 2025-01-31T12:00:00Z',
        }),
      ),
    ),
  },
  {
    description: 'Which issues of `github.repos` become tasks (pull requests are always excluded).',
    expected: 'an object',
  },
);

const github = section(
  {
    token: nonEmptyString({
      description:
        'Token used for every GitHub call. Fine-grained: Issues read/write, Pull requests read/write, Projects read/write (for boards), Metadata read. Classic: `repo` (+ `project` for boards). Use `${GITHUB_TOKEN}`.',
      expected: 'a GitHub token (non-empty string)',
      secret: true,
      example: '${GITHUB_TOKEN}',
    }),
    baseUrl: v.optional(
      httpUrl({
        description: 'REST API root. For GitHub Enterprise Server: `https://HOST/api/v3`.',
        expected: 'an http(s) URL',
      }),
      'https://api.github.com',
    ),
    repos: v.optional(
      list(
        v.pipe(
          v.string(),
          v.regex(REPO_PATTERN),
          info({ description: 'A repository.', expected: 'a repository as "owner/name"' }),
        ),
        {
          description: 'Repositories whose issues become tasks (`source.type: issues`). Cross-repository dependencies resolve against the right repository.',
          expected: 'a list of repositories as "owner/name"',
        },
      ),
      [],
    ),
    project: v.optional(githubProject),
    filters: v.optional(githubFilters, {}),
  },
  { description: 'Where the backlog lives and how to reach GitHub.', expected: 'an object with token and repos (or project)' },
);

const dependencies = section(
  {
    prose: v.optional(
      flag({
        description:
          'Read dependencies written in issue bodies ("Depends on #12", "Blocked by owner/repo#3", "Blocked by GH-45", "needs #9 first", "waiting on #10", nested phrases, URLs, a "## Dependencies" list or task list). "Related to", "See", "Fixes", negated phrases, code and quotes are not dependencies; a number no issue can have (over 2147483647) is a warning, never sent to GitHub.',
        expected: 'true or false',
      }),
      true,
    ),
    labels: v.optional(
      flag({ description: 'Read dependency labels such as `depends:issue-12`, `depends:12`, `blocked-by:12`.', expected: 'true or false' }),
      true,
    ),
    native: v.optional(
      flag({ description: 'Use GitHub\'s native "blocked by" issue links.', expected: 'true or false' }),
      true,
    ),
    subIssues: v.optional(
      flag({ description: 'A parent issue waits for its sub-issues.', expected: 'true or false' }),
      true,
    ),
    ignoreExternal: v.optional(
      flag({
        description:
          'An open dependency outside the loaded task set normally blocks its dependents (reported with the reason). Set to true to ignore such dependencies instead.',
        expected: 'true or false',
      }),
      false,
    ),
  },
  { description: 'Which kinds of dependencies are read.', expected: 'an object' },
);

const trust = section(
  {
    associations: v.optional(
      list(
        v.pipe(
          v.picklist(AUTHOR_ASSOCIATIONS),
          info({
            description: 'An author association.',
            expected: `one of ${AUTHOR_ASSOCIATIONS.map((a) => `"${a}"`).join(', ')}`,
          }),
        ),
        {
          description: `Author associations (GitHub's \`author_association\`) whose issues are trusted: ${AUTHOR_ASSOCIATIONS.map((a) => `\`${a}\``).join(', ')}.`,
          expected: 'a list of author associations',
        },
      ),
      ['OWNER', 'MEMBER', 'COLLABORATOR'],
    ),
    allowAuthors: v.optional(
      list(v.pipe(v.string(), v.regex(LOGIN_PATTERN), info({ description: 'A login.', expected: 'a GitHub login' })), {
        description: 'Logins trusted whatever their association (e.g. a bot account that files issues).',
        expected: 'a list of GitHub logins',
      }),
      [],
    ),
  },
  {
    description:
      'Whose issues may become tasks. An agent with write access must not run text from a stranger: issues from other authors are reported as skipped (untrusted).',
    expected: 'an object',
  },
);

const source = section(
  {
    type: v.optional(
      v.pipe(
        v.picklist(['issues', 'project']),
        info({
          description: '`issues`: the issues of `github.repos`; `project`: the items of the board `github.project`.',
          expected: '"issues" or "project"',
        }),
      ),
      'issues',
    ),
    statuses: v.optional(
      list(nonEmptyString({ description: 'A Status option name.', expected: 'a Status option name (non-empty string)' }), {
        description: 'For `type: project`: the board Status options whose items become tasks; an empty list takes every item.',
        expected: 'a list of Status option names',
      }),
      ['Todo'],
    ),
    dependencies: v.optional(dependencies, {}),
    trust: v.optional(trust, {}),
  },
  {
    description: 'How tasks are read: from where, which dependencies count, whose issues are trusted.',
    expected: 'an object',
  },
);

const codegen = section(
  {
    orgId: v.optional(
      integer(1, Number.MAX_SAFE_INTEGER, {
        description: 'Codegen organization id (codegen.com/token). Required by `pco run`.',
        expected: 'an organization id (integer ≥ 1)',
      }),
    ),
    token: v.optional(
      nonEmptyString({
        description: 'Codegen API token (codegen.com/token). Required by `pco run`. Use `${CODEGEN_TOKEN}`.',
        expected: 'a Codegen API token (non-empty string)',
        secret: true,
        example: '${CODEGEN_TOKEN}',
      }),
    ),
    baseUrl: v.optional(
      httpUrl({ description: 'Codegen API root.', expected: 'an http(s) URL' }),
      'https://api.codegen.com',
    ),
    repoId: v.optional(
      integer(1, Number.MAX_SAFE_INTEGER, {
        description: 'Codegen repository id the agents work in. Default: the organization\'s default.',
        expected: 'a repository id (integer ≥ 1)',
      }),
    ),
    model: v.optional(
      nonEmptyString({ description: 'Model name. Default: the organization\'s default.', expected: 'a model name (non-empty string)' }),
    ),
    agentType: v.optional(
      v.pipe(
        v.picklist(['codegen', 'claude_code']),
        info({ description: 'Agent type. Default: the organization\'s default.', expected: '"codegen" or "claude_code"' }),
      ),
    ),
    stopRunOnCancel: v.optional(
      flag({
        description:
          'When a task attempt times out, stop its agent run too, with Codegen\'s `remove-from-pr` (the only documented stop: it also makes Codegen ignore CI check-suite events on that run\'s pull request). false leaves the run to finish on its own; its id is in the result. (Ctrl-C never stops runs: they keep working for the resume.)',
        expected: 'true or false',
      }),
      true,
    ),
    promptTemplate: v.optional(
      nonEmptyString({
        description:
          'Prompt sent to the agent for each task. Placeholders: `{{id}}`, `{{title}}`, `{{body}}`, `{{url}}`, `{{labels}}`, `{{attempt}}`, `{{dependencies}}` (results of the tasks it depends on); any other `{{name}}` is an error. Default: the title, body, link and dependency results.',
        expected: 'a prompt template (non-empty string)',
      }),
    ),
  },
  { description: 'The Codegen agents that do the work.', expected: 'an object' },
);

const agent = section(
  {
    maxConcurrentAgents: v.optional(
      integer(1, 10, {
        description: 'How many agent runs may be live at once (Codegen allows at most 10).',
        expected: 'an integer from 1 to 10',
      }),
      10,
    ),
    taskTimeoutSeconds: v.optional(
      integer(60, 7 * 24 * 3600, {
        description:
          'A task attempt still running after this many seconds is stopped and the task fails; a task timeout is not retried. The agent run is stopped too unless `codegen.stopRunOnCancel` is false.',
        expected: 'a number of seconds from 60 to 604800',
      }),
      600,
    ),
    retryAttempts: v.optional(
      integer(0, 10, {
        description:
          'Retries after the first attempt, for transient failures only: network errors, request timeouts, 5xx and 429 answers of the APIs. An agent run that ends unsuccessfully and a task that hits `taskTimeoutSeconds` are not retried.',
        expected: 'an integer from 0 to 10',
      }),
      2,
    ),
    retryDelaySeconds: v.optional(
      integer(0, 3600, {
        description: 'Delay before the first retry; later retries back off exponentially, with jitter.',
        expected: 'a number of seconds from 0 to 3600',
      }),
      10,
    ),
  },
  { description: 'How tasks are dispatched to agents.', expected: 'an object' },
);

const PROJECT_STATUS_DEFAULTS = { queued: 'Todo', running: 'In Progress', done: 'Done' } as const;

function statusOption(state: string, fallback: string | undefined) {
  const field = nonEmptyString({
    description: `Board Status option set when a task becomes ${state}${fallback ? '; `null` leaves the field unchanged' : ''}.`,
    expected: fallback ? 'a Status option name (non-empty string) or null' : 'a Status option name (non-empty string)',
  });
  return fallback ? v.optional(v.nullable(field), fallback) : v.optional(field);
}

const projectStatus = section(
  {
    queued: statusOption('queued', PROJECT_STATUS_DEFAULTS.queued),
    running: statusOption('running', PROJECT_STATUS_DEFAULTS.running),
    done: statusOption('done', PROJECT_STATUS_DEFAULTS.done),
    failed: statusOption('failed', undefined),
    skipped: statusOption('skipped', undefined),
    needsInput: statusOption('needs-input', undefined),
    interrupted: statusOption('interrupted', undefined),
  },
  {
    description:
      'Board Status option per task state, for `source.type: project` and for `source.type: issues` when `github.project` is set (the issues\' items on that board). A state that is not mapped leaves the field unchanged.',
    expected: 'an object mapping task states to Status option names',
  },
);

const automation = section(
  {
    postComments: v.optional(
      flag({
        description: 'Post one result comment per task (edited, not duplicated, on later attempts).',
        expected: 'true or false',
      }),
      true,
    ),
    statusLabels: v.optional(
      flag({
        description:
          'Keep a status label (`status:queued|running|done|failed|skipped|needs-input`) on each issue; an interrupted task keeps its last label.',
        expected: 'true or false',
      }),
      true,
    ),
    statusLabelPrefix: v.optional(
      nonEmptyString({ description: 'Prefix of the status labels.', expected: 'a label prefix (non-empty string)' }),
      'status:',
    ),
    projectStatus: v.optional(projectStatus, {}),
    branchPerTask: v.optional(
      flag({
        description: "Create a branch per task (`<branchPrefix><issue number>-<title slug>`) from the repository's default branch when the task starts.",
        expected: 'true or false',
      }),
      false,
    ),
    branchPrefix: v.optional(
      nonEmptyString({ description: 'Prefix of the task branches.', expected: 'a branch name prefix (non-empty string)' }),
      'pco/',
    ),
    autoMerge: v.optional(
      flag({
        description: 'Enable auto-merge on the pull requests of a done task (or merge when already clean). When it cannot, the comment says why.',
        expected: 'true or false',
      }),
      false,
    ),
    mergeMethod: v.optional(
      v.pipe(
        v.picklist(['merge', 'squash', 'rebase']),
        info({ description: 'Merge method for `autoMerge`.', expected: 'one of "merge", "squash", "rebase"' }),
      ),
      'squash',
    ),
  },
  { description: 'What pco writes back to GitHub.', expected: 'an object' },
);

const journal = section(
  {
    path: v.optional(
      nonEmptyString({
        description: 'The crash-safe journal of the run (JSONL). Relative paths are resolved against the config file\'s folder.',
        expected: 'a file path (non-empty string)',
      }),
      '.pco/journal.jsonl',
    ),
    resultsDir: v.optional(
      nonEmptyString({
        description: 'Folder for results.json and results.csv. Relative paths are resolved against the config file\'s folder.',
        expected: 'a folder path (non-empty string)',
      }),
      '.pco',
    ),
  },
  { description: 'Where run state and results are written.', expected: 'an object' },
);

const logging = section(
  {
    level: v.optional(
      v.pipe(
        v.picklist(LOG_LEVELS),
        info({ description: 'Minimum level of log lines.', expected: `one of ${LOG_LEVELS.map((l) => `"${l}"`).join(', ')}` }),
      ),
      'info',
    ),
    format: v.optional(
      v.pipe(
        v.picklist(['auto', 'pretty', 'json']),
        info({
          description:
            '`pretty`: the live view on a terminal, plain text lines without one; `json`: one JSON line per event; `auto`: the live view on a terminal, JSON otherwise. `pco run --json` means `json`.',
          expected: 'one of "auto", "pretty", "json"',
        }),
      ),
      'auto',
    ),
  },
  { description: 'Console output.', expected: 'an object' },
);

/** Placeholders `codegen.promptTemplate` may use (those the Codegen executor fills in). */
export const PROMPT_PLACEHOLDERS = ['id', 'title', 'body', 'url', 'labels', 'attempt', 'dependencies'] as const;

/** The whole configuration file. */
export const PcoConfigSchema = section(
  {
    github,
    source: v.optional(source, {}),
    codegen: v.optional(codegen, {}),
    agent: v.optional(agent, {}),
    automation: v.optional(automation, {}),
    journal: v.optional(journal, {}),
    logging: v.optional(logging, {}),
  },
  { description: 'The pco configuration.', expected: 'an object with the sections github, source, codegen, agent, automation, journal, logging' },
);

/** The validated configuration, with every default filled in. */
export type PcoConfig = v.InferOutput<typeof PcoConfigSchema>;
/** What a configuration file may contain (every defaulted field optional). */
export type PcoConfigInput = v.InferInput<typeof PcoConfigSchema>;
