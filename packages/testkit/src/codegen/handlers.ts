/**
 * The fake Codegen's operations, one case per endpoint, on requests that passed validation,
 * authentication, the organization check and the rate limit: users, organizations and
 * repositories here, runs through the {@link RunBook}.
 */
import type { CheckSuiteSettingsBook } from './check-suite-settings.js';
import { HttpReply, MESSAGES, page } from './http.js';
import type { FakeCodegenOperation } from './rate-limits.js';
import type { RunBook } from './runs.js';
import type { FakeCodegenRepo } from './types.js';

/** A user of the fake, defaults filled in. */
export interface UserState {
  readonly token: string;
  readonly id: number;
  readonly githubUsername: string;
  readonly orgIds: readonly number[];
}

export interface HandlerContext {
  readonly orgId: number;
  readonly orgName: string | undefined;
  readonly users: readonly UserState[];
  readonly repos: readonly FakeCodegenRepo[];
  readonly runQuota: number | undefined;
  readonly runs: RunBook;
  readonly checkSuites: CheckSuiteSettingsBook;
}

/** A validated, authorized request to `operation`. */
export interface HandlerRequest {
  readonly user: UserState;
  /** Path parameters (`org_id`, `agent_run_id`, `user_id`). */
  readonly ids: Readonly<Record<string, number>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly skip: number;
  readonly limit: number;
}

export function handle(ctx: HandlerContext, operation: FakeCodegenOperation, request: HandlerRequest): HttpReply {
  const { user, ids, query, body, skip, limit } = request;
  const { orgId, users, repos, runs } = ctx;
  const org = ids['org_id'] as number;
  switch (operation) {
    case 'getCurrentUser':
      return new HttpReply(200, userView(user));
    case 'listOrganizations': {
      const orgs = [...new Set(user.orgIds)].map((id) => ({
        id,
        name: id === orgId ? (ctx.orgName ?? 'Acme') : `Org ${id}`,
        settings: { enable_pr_creation: true, enable_rules_detection: true },
      }));
      return new HttpReply(200, page(orgs, skip, limit));
    }
    case 'listOrgUsers':
      return new HttpReply(200, page(users.filter((u) => u.orgIds.includes(org)).map(userView), skip, limit));
    case 'getOrgUser': {
      const found = users.find((u) => u.id === ids['user_id'] && u.orgIds.includes(org));
      return found
        ? new HttpReply(200, userView(found))
        : new HttpReply(404, { message: MESSAGES.userNotFound, status_code: 404 });
    }
    case 'listRepos': {
      const list = org === orgId ? repos : [];
      return new HttpReply(
        200,
        page(
          list.map((repo) => ({
            id: repo.id,
            name: repo.fullName.split('/')[1] ?? repo.fullName,
            full_name: repo.fullName,
            description: null,
            github_id: String(900_000 + repo.id),
            organization_id: orgId,
            visibility: 'private',
            archived: false,
            setup_status: 'COMPLETE',
            language: 'TypeScript',
          })),
          skip,
          limit,
        ),
      );
    }
    case 'createRun': {
      if (ctx.runQuota !== undefined && runs.countInOrg(org) >= ctx.runQuota) {
        return new HttpReply(402, { message: MESSAGES[402], status_code: 402 });
      }
      const orgRepos = org === orgId ? repos : [];
      const repoId = (body['repo_id'] as number | null | undefined) ?? orgRepos[0]?.id ?? null;
      if (repoId === null) return new HttpReply(404, { message: MESSAGES.noRepos, status_code: 404 });
      if (!orgRepos.some((repo) => repo.id === repoId)) {
        return new HttpReply(404, { message: 'Repository not found in the organization.', status_code: 404 });
      }
      const run = runs.create({
        prompt: body['prompt'] as string,
        metadata: (body['metadata'] as Record<string, unknown> | null | undefined) ?? null,
        repoId,
        model: (body['model'] as string | null | undefined) ?? null,
        agentType: (body['agent_type'] as string | null | undefined) ?? null,
        userId: user.id,
        orgId: org,
      });
      // The create answers before the agent starts: always a non-terminal status (research §3.1).
      return new HttpReply(200, { ...runs.view(run), status: 'PENDING', result: null, summary: null, github_pull_requests: [] });
    }
    case 'getRun': {
      const run = runs.inOrg(org, ids['agent_run_id'] as number);
      return run instanceof HttpReply ? run : new HttpReply(200, runs.view(run));
    }
    case 'listRuns': {
      const list = runs.list(org, query.get('user_id'), query.get('source_type')).map((run) => runs.view(run));
      return new HttpReply(200, page(list, skip, limit));
    }
    case 'resumeRun': {
      const run = runs.inOrg(org, body['agent_run_id'] as number);
      if (run instanceof HttpReply) return run;
      const verdict = runs.canResume(run);
      if (!verdict.ok) return verdict.reply;
      return new HttpReply(200, runs.view(runs.resume(run, body['prompt'] as string)));
    }
    case 'getCheckSuiteSettings':
    case 'putCheckSuiteSettings': {
      // Unknown repository: the spec declares only 422; a 404 in Codegen's error shape is an inference.
      const repoId = ids['repo_id'] as number;
      const settings =
        org !== orgId ? undefined : operation === 'getCheckSuiteSettings' ? ctx.checkSuites.get(repoId) : ctx.checkSuites.update(repoId, body);
      // The PUT's answer is an untyped object in the spec: the settings as they now are.
      return settings ? new HttpReply(200, settings) : new HttpReply(404, { message: 'Repository not found.', status_code: 404 });
    }
    case 'removeFromPr': {
      const run = runs.inOrg(org, body['agent_run_id'] as number);
      if (run instanceof HttpReply) return run;
      runs.removeFromPr(run);
      // The spec declares the success body as an untyped object.
      return new HttpReply(200, {});
    }
    case 'getRunLogs': {
      const run = runs.inOrg(org, ids['agent_run_id'] as number);
      if (run instanceof HttpReply) return run;
      const view = runs.view(run);
      let logs = runs.logs(run);
      if (query.get('reverse') !== null && ['true', '1', 'yes', 'on'].includes(query.get('reverse') as string)) {
        logs = logs.reverse();
      }
      const paged = page(logs, skip, limit);
      return new HttpReply(200, {
        id: view['id'],
        organization_id: view['organization_id'],
        status: view['status'],
        created_at: view['created_at'],
        web_url: view['web_url'],
        result: view['result'],
        metadata: view['metadata'],
        logs: paged['items'],
        total_logs: paged['total'],
        page: paged['page'],
        size: paged['size'],
        pages: paged['pages'],
      });
    }
  }
}

function userView(user: UserState): Record<string, unknown> {
  return {
    id: user.id,
    email: `${user.githubUsername}@example.com`,
    github_user_id: String(7_000_000 + user.id),
    github_username: user.githubUsername,
    avatar_url: null,
    full_name: null,
    role: 'MEMBER',
    is_admin: false,
  };
}
