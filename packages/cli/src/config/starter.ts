/**
 * The commented starter config `pco init` writes. It is valid as written once the referenced
 * environment variables are set (a test checks that); `pco plan` reads only GITHUB_TOKEN.
 */

export interface StarterConfigOptions {
  /** Repositories to list under `github.repos`. @default ['OWNER/REPO'] */
  readonly repos?: readonly string[];
}

/** The starter config as YAML text. */
export function renderStarterConfig(options: StarterConfigOptions = {}): string {
  const repos = options.repos && options.repos.length > 0 ? options.repos : ['OWNER/REPO'];
  return `# pco configuration. Every key is described in docs/configuration.md.
#
# Any value may reference environment variables: \${NAME}, or \${NAME:-fallback}.
# Any key may be overridden from the environment: PCO_<SECTION>__<KEY> in SNAKE_CASE,
# e.g. PCO_AGENT__MAX_CONCURRENT_AGENTS=4 sets agent.maxConcurrentAgents.
# Check it without running anything (needs only GITHUB_TOKEN):  pco plan --config pco.yaml

github:
  # Fine-grained token: Issues and Pull requests read/write, Metadata read
  # (+ Projects read/write for a board). Classic token: "repo" (+ "project").
  token: \${GITHUB_TOKEN}
  # Repositories whose open issues become tasks.
  repos:
${repos.map((repo) => `    - ${repo}`).join('\n')}
  # Only issues with all of these labels (empty: every open issue).
  filters:
    labels: []
  # To read a Projects v2 board instead, set source.type: project and:
  # project:
  #   owner: OWNER
  #   ownerType: auto           # or: organization, user
  #   number: 1

source:
  type: issues              # issues | project
  # statuses: [Todo]        # for a board: which Status options become tasks
  dependencies:
    prose: true             # "Depends on #12", "Blocked by owner/repo#3", a "## Dependencies" list
    labels: true            # depends:issue-12, depends:12, blocked-by:12
    native: true            # GitHub's "blocked by" links
    subIssues: true         # a parent waits for its sub-issues
  trust:
    # Only issues from these author associations (or logins) are run by an agent.
    associations: [OWNER, MEMBER, COLLABORATOR]
    allowAuthors: []

codegen:
  # Both on https://codegen.com/token
  orgId: \${CODEGEN_ORG_ID}
  token: \${CODEGEN_TOKEN}
  # repoId: 123             # default: the organization's default repository
  # model: ...              # default: the organization's default model

agent:
  maxConcurrentAgents: 10   # 1-10 agent runs at once
  taskTimeoutSeconds: 600   # give up on a task after this long (>= 60); its agent run is stopped too (codegen.stopRunOnCancel)
  retryAttempts: 2          # retries for transient failures (network, 5xx, 429); a task timeout is not retried
  retryDelaySeconds: 10     # first retry delay; then exponential backoff with jitter

automation:
  postComments: true        # one result comment per issue, edited on later attempts
  statusLabels: true        # status:queued|running|done|failed|skipped|needs-input
  statusLabelPrefix: "status:"
  autoMerge: false          # enable auto-merge on the PRs of done tasks

journal:
  path: .pco/journal.jsonl  # crash-safe run state (relative to this file)
  resultsDir: .pco          # results.json and results.csv

logging:
  level: info               # trace | debug | info | warn | error | fatal | silent
  format: auto              # auto (live view on a terminal, JSON lines otherwise) | pretty | json
`;
}
