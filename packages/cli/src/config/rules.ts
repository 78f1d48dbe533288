/** Rules that span fields, checked after the schema: one issue shape for all. */
import { describeReceived, type ConfigIssue } from './issues.js';
import { PcoConfigSchema, PROMPT_PLACEHOLDERS, type PcoConfig } from './schema.js';
import { schemaAt } from './schema-walk.js';

/** Where a value came from (`pco.yaml:7:24`, an override's name), when known. */
export type OriginOf = (path: readonly (string | number)[]) => string | undefined;

export function withOrigin(origin: string | undefined): { origin?: string } {
  return origin ? { origin } : {};
}

/** Source, board and repository rules, and the prompt template's placeholders. */
export function crossFieldIssues(config: PcoConfig, originOf: OriginOf): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { github, source } = config;
  if (source.type === 'issues' && github.repos.length === 0) {
    const expected = 'at least one repository as "owner/name" (source.type is "issues")';
    const received = describeReceived(github.repos.length === 0 ? undefined : github.repos);
    issues.push({
      path: 'github.repos',
      expected,
      received,
      message: `expected ${expected}, got ${received}`,
      ...withOrigin(originOf(['github', 'repos']) ?? originOf(['source', 'type'])),
    });
  }
  if (source.type === 'project' && !github.project) {
    const expected = 'the board to read, { owner, number } (source.type is "project")';
    issues.push({
      path: 'github.project',
      expected,
      received: 'nothing',
      message: `expected ${expected}, got nothing`,
      ...withOrigin(originOf(['source', 'type'])),
    });
  }
  if (config.landing.enabled && config.automation.autoMerge) {
    const expected = 'false while landing.enabled is true (the lander merges: set landing.merge)';
    issues.push({
      path: 'automation.autoMerge',
      expected,
      received: 'true',
      message: `expected ${expected}, got true`,
      ...withOrigin(originOf(['automation', 'autoMerge'])),
    });
  }
  const template = config.codegen.promptTemplate;
  if (template !== undefined) {
    const unknownNames = [...new Set([...template.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1] ?? ''))].filter(
      (name) => !(PROMPT_PLACEHOLDERS as readonly string[]).includes(name),
    );
    if (unknownNames.length > 0) {
      const expected = `placeholders among ${PROMPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;
      issues.push({
        path: 'codegen.promptTemplate',
        expected,
        received: unknownNames.map((name) => `{{${name}}}`).join(', '),
        message: `unknown placeholder${unknownNames.length === 1 ? '' : 's'} ${unknownNames.map((name) => `{{${name}}}`).join(', ')}; expected ${expected}`,
        ...withOrigin(originOf(['codegen', 'promptTemplate'])),
      });
    }
  }
  const seen = new Map<string, number>();
  github.repos.forEach((repo, index) => {
    const key = repo.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: `github.repos.${index}`,
        expected: 'each repository once',
        received: JSON.stringify(repo),
        message: `duplicate repository "${repo}" (already github.repos.${first})`,
        ...withOrigin(originOf(['github', 'repos', index])),
      });
    } else {
      seen.set(key, index);
    }
  });
  return issues;
}

/**
 * What `pco run` needs beyond a valid file: the Codegen credentials (`pco plan` works without
 * them). Returned in the same issue shape.
 */
export function runRequirementIssues(config: PcoConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of ['orgId', 'token'] as const) {
    if (config.codegen[key] === undefined) {
      const expected = schemaAt(PcoConfigSchema, ['codegen', key])?.info?.expected ?? 'a value';
      issues.push({
        path: `codegen.${key}`,
        expected,
        received: 'nothing',
        message: `expected ${expected}, got nothing (pco run needs it to start agents)`,
      });
    }
  }
  return issues;
}
