/**
 * The REST routes of issues: listing and reading, comments, labels (on issues and the
 * repository's), dependencies (blocked by / blocking) and sub-issues.
 */
import { DOCS, issueOf, notFound, paged, repoOf, route, validationFailed, type Handler, type RestContext, type RestRequest, type RestResponse, type Route } from './rest-routing.js';
import type { StoredIssue } from './store-types.js';

/** The issue routes, in matching order. */
export function issueRoutes(ctx: RestContext): Route[] {
  const { s, json } = ctx;
  const withIssue = (fn: (issue: StoredIssue, req: RestRequest) => RestResponse): Handler => (req) => {
    const issue = issueOf(ctx, req);
    return issue ? fn(issue, req) : notFound();
  };
  const labelNames = (body: unknown): string[] | undefined => {
    const raw = Array.isArray(body) ? body : (body as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(raw)) return undefined;
    const names = raw.map((x) => (typeof x === 'string' ? x : (x as { name?: unknown })?.name));
    return names.every((n): n is string => typeof n === 'string' && n.length > 0) ? names : undefined;
  };
  return [
    route('GET', '/repos/{owner}/{repo}/issues', (req) => {
      const repo = repoOf(ctx, req);
      if (!repo) return notFound();
      const q = req.query;
      const state = q.get('state') ?? 'open';
      if (!['open', 'closed', 'all'].includes(state)) return validationFailed('Issue', 'state', 'invalid');
      let list = [...repo.issues.values()].filter((i) => state === 'all' || i.state === state);
      const labels = q.get('labels');
      if (labels) {
        // REST `labels=` means the issue carries ALL of them.
        const wanted = labels.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
        list = list.filter((i) => wanted.every((w) => i.labels.some((l) => l.name.toLowerCase() === w)));
      }
      const since = q.get('since');
      if (since) list = list.filter((i) => Date.parse(i.updatedAt) >= Date.parse(since));
      const assignee = q.get('assignee');
      if (assignee) list = list.filter((i) => (assignee === '*' ? i.assignees.length > 0 : assignee === 'none' ? i.assignees.length === 0 : i.assignees.includes(assignee)));
      const milestone = q.get('milestone');
      if (milestone) list = list.filter((i) => (milestone === '*' ? i.milestone !== null : milestone === 'none' ? i.milestone === null : i.milestone === Number(milestone)));
      const creator = q.get('creator');
      if (creator) list = list.filter((i) => i.author === creator);
      const sort = q.get('sort') ?? 'created';
      const key = (i: StoredIssue) => (sort === 'updated' ? i.updatedAt : sort === 'comments' ? String(i.comments.length).padStart(9, '0') : i.createdAt);
      list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.number - b.number));
      if ((q.get('direction') ?? 'desc') === 'desc') list.reverse();
      return paged(req, list.map((i) => json.issueJson(i)));
    }),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}', withIssue((i) => ({ status: 200, body: json.issueJson(i) }))),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', withIssue((i, req) => paged(req, i.comments.map((c) => json.commentJson(c))))),
    route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', withIssue((i, req) => {
      const body = (req.body as { body?: unknown } | null)?.body;
      if (typeof body !== 'string' || body === '') return validationFailed('IssueComment', 'body', 'missing_field');
      const c = s.addComment(i, body, req.principal.login, 'MEMBER');
      s.touch(i);
      return { status: 201, body: json.commentJson(c), headers: { location: json.commentJson(c).url } };
    })),
    route('GET', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
      const c = s.comments.get(Number(req.params.comment_id));
      return c && c.issue.repo === repoOf(ctx, req) ? { status: 200, body: json.commentJson(c) } : notFound();
    }),
    route('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}', (req) => {
      const c = s.comments.get(Number(req.params.comment_id));
      if (!c || c.issue.repo !== repoOf(ctx, req)) return notFound();
      // Editing someone else's comment takes write access (repository-role table).
      if (c.author !== req.principal.login && !req.principal.permissions(c.issue.repo).push) {
        return { status: 403, body: { message: 'Must have admin rights to Repository.', documentation_url: DOCS, status: '403' } };
      }
      const body = (req.body as { body?: unknown } | null)?.body;
      if (typeof body !== 'string' || body === '') return validationFailed('IssueComment', 'body', 'missing_field');
      c.body = body;
      c.updatedAt = s.iso();
      return { status: 200, body: json.commentJson(c) };
    }),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => paged(req, i.labels.map((l) => json.labelJson(i.repo, l))))),
    route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => {
      const names = labelNames(req.body);
      if (!names || names.length === 0) return validationFailed('Label', 'labels', 'missing_field');
      for (const n of names) {
        // Labels that do not exist yet are created with colour ededed.
        const l = s.ensureLabel(i.repo, n);
        if (!i.labels.includes(l)) i.labels.push(l);
      }
      s.touch(i);
      return { status: 200, body: i.labels.map((l) => json.labelJson(i.repo, l)) };
    })),
    route('PUT', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i, req) => {
      const names = labelNames(req.body);
      if (!names) return validationFailed('Label', 'labels', 'missing_field');
      i.labels = [...new Set(names.map((n) => s.ensureLabel(i.repo, n)))];
      s.touch(i);
      return { status: 200, body: i.labels.map((l) => json.labelJson(i.repo, l)) };
    })),
    route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels', withIssue((i) => {
      i.labels = [];
      s.touch(i);
      return { status: 204 };
    })),
    route('DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}', withIssue((i, req) => {
      const name = (req.params.name ?? '').toLowerCase();
      const idx = i.labels.findIndex((l) => l.name.toLowerCase() === name);
      if (idx < 0) return { status: 404, body: { message: 'Label does not exist', documentation_url: DOCS, status: '404' } };
      i.labels.splice(idx, 1);
      s.touch(i);
      return { status: 200, body: i.labels.map((l) => json.labelJson(i.repo, l)) };
    })),
    route('GET', '/repos/{owner}/{repo}/labels', (req) => {
      const repo = repoOf(ctx, req);
      return repo ? paged(req, [...repo.labels.values()].map((l) => json.labelJson(repo, l))) : notFound();
    }),
    route('POST', '/repos/{owner}/{repo}/labels', (req) => {
      const repo = repoOf(ctx, req);
      if (!repo) return notFound();
      const b = (req.body ?? {}) as { name?: unknown; color?: unknown; description?: unknown };
      if (typeof b.name !== 'string' || b.name === '') return validationFailed('Label', 'name', 'missing_field');
      if (b.color !== undefined && (typeof b.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(b.color))) return validationFailed('Label', 'color', 'invalid');
      if (repo.labels.has(b.name.toLowerCase())) return validationFailed('Label', 'name', 'already_exists');
      const l = s.ensureLabel(repo, b.name, typeof b.color === 'string' ? b.color.toLowerCase() : 'ededed', typeof b.description === 'string' ? b.description : null);
      return { status: 201, body: json.labelJson(repo, l) };
    }),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', withIssue((i, req) => paged(req, i.blockedBy.map((b) => json.issueJson(b))))),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocking', withIssue((i, req) => paged(req, s.blocking(i).map((b) => json.issueJson(b))))),
    route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by', withIssue((i, req) => {
      const id = (req.body as { issue_id?: unknown } | null)?.issue_id;
      if (typeof id !== 'number') return validationFailed('IssueDependency', 'issue_id', 'missing_field');
      const blocker = [...s.repos.values()].flatMap((r) => [...r.issues.values()]).find((x) => x.id === id);
      if (!blocker) return notFound();
      if (!i.blockedBy.includes(blocker)) i.blockedBy.push(blocker);
      return { status: 201, body: json.issueJson(i) };
    })),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/sub_issues', withIssue((i, req) => paged(req, i.subIssues.map((c) => json.issueJson(c))))),
    route('GET', '/repos/{owner}/{repo}/issues/{issue_number}/parent', withIssue((i) => (i.parent ? { status: 200, body: json.issueJson(i.parent) } : notFound()))),
  ];
}
