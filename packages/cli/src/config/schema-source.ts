/** The config schema's `github` and `source` sections: where the tasks come from. */
import * as v from 'valibot';
import { info, httpUrl, nonEmptyString, integer, flag, list, section, REPO_PATTERN, LOGIN_PATTERN, AUTHOR_ASSOCIATIONS } from './schema-fields.js';

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

export const github = section(
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

export const source = section(
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
