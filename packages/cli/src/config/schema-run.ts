/** The config schema's `codegen`, `agent`, `automation`, `journal` and `logging` sections: how the tasks run. */
import * as v from 'valibot';
import { info, httpUrl, nonEmptyString, integer, flag, section, LOG_LEVELS } from './schema-fields.js';

export const codegen = section(
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

export const agent = section(
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

export const automation = section(
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

export const journal = section(
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

export const logging = section(
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
