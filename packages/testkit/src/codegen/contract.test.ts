/**
 * Contract test: every response body the fake sends is validated against the schema the spec
 * (vendor/codegen-api/openapi3.json, provenance in its README) declares for that path, method and status. The schemas
 * are read from the spec with ajv's JSON Schema 2020-12 validator (OpenAPI 3.1), never copied.
 */
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { sleep } from '../test-helpers.js';
import { startFakeCodegen, type FakeResponseRecord } from './index.js';

const specUrl = new URL('../../../../vendor/codegen-api/openapi3.json', import.meta.url);
const spec = JSON.parse(readFileSync(specUrl, 'utf8')) as {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ ...spec, $id: 'codegen-openapi3' } as object);

const operations = Object.entries(spec.paths).flatMap(([template, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operation,
  })),
);

function declaredSchema(record: FakeResponseRecord): { operationId: string; schema: unknown } | undefined {
  // Literal segments win over parameters (`/agent/run/resume` vs `/agent/run/{id}`).
  const matches = operations
    .filter((op) => op.method === record.method && op.pattern.test(record.path))
    .sort((a, b) => (b.template.match(/\{/g)?.length ?? 0) < (a.template.match(/\{/g)?.length ?? 0) ? 1 : -1);
  const op = matches[0];
  const response = op?.operation.responses[String(record.status)];
  const schema = response?.content?.['application/json']?.schema;
  return op && schema ? { operationId: op.operation.operationId, schema } : undefined;
}

function rewriteRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"codegen-openapi3#/components'));
}

describe('fake Codegen contract', () => {
  it('sends only bodies that validate against the spec', async () => {
    const responses: FakeResponseRecord[] = [];
    const fake = await startFakeCodegen({
      timeScale: 0.001,
      runQuota: 6,
      // Finished runs refuse a resume here (the 400 the spec does not declare); PAUSED ones resume.
      resumeFinished: 'refuse',
      // A tiny budget for one endpoint, so a 429 is certain whatever the machine's speed.
      rateLimits: { limits: { listOrganizations: { limit: 2, windowMs: 3_600_000 } } },
      tokens: ['tok', { token: 'other', orgIds: [2] }],
      onResponse: (record) => responses.push(record),
    });
    const send = async (method: string, path: string, body?: unknown, token: string | null = 'tok') => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers['authorization'] = `Bearer ${token}`;
      const response = await fetch(fake.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      await response.text();
      return response.status;
    };
    try {
      const base = '/v1/organizations/1';
      await send('POST', `${base}/agent/run`, { prompt: 'ok [[fake:duration=1s prs=2]]', metadata: { k: 1 } });
      await send('POST', `${base}/agent/run`, { prompt: 'paused [[fake:status=PAUSED duration=1s]]', images: [] });
      await send('POST', `${base}/agent/run`, { prompt: 'err [[fake:status=ERROR duration=1s]]', agent_type: 'claude_code' });
      await send('POST', `${base}/agent/run`, { prompt: 'long', repo_id: 1, model: 'x' });
      await send('GET', `${base}/agent/run/1004`);
      await sleep(20);
      for (const id of [1001, 1002, 1003, 1004]) {
        await send('GET', `${base}/agent/run/${id}`);
        await send('GET', `/v1/alpha${base}/agent/run/${id}/logs?limit=3&reverse=true`);
      }
      await send('GET', `${base}/agent/runs?user_id=100&source_type=API&limit=2&skip=1`);
      await send('POST', `${base}/agent/run/resume`, { agent_run_id: 1002, prompt: 'more' });
      await send('POST', `${base}/agent/run/resume`, { agent_run_id: 1001, prompt: 'refused' }); // 400
      await send('GET', `${base}/repos/check-suite-settings?repo_id=1`);
      await send('PUT', `${base}/repos/check-suite-settings?repo_id=1`, { check_retry_count: 0, ignored_checks: ['lint'] });
      await send('PUT', `${base}/repos/check-suite-settings?repo_id=1`, { check_retry_count: 11 });
      await send('GET', `${base}/repos/check-suite-settings`);
      await send('GET', `${base}/repos/check-suite-settings?repo_id=9`); // 404
      await send('POST', `${base}/agent/run/remove-from-pr`, { agent_run_id: 1004 });
      await send('GET', '/v1/users/me');
      await send('GET', '/v1/organizations');
      await send('GET', `${base}/users`);
      await send('GET', `${base}/users/100`);
      await send('GET', `${base}/repos`);
      // Errors: 401, 402, 403, 404 (run, user, no repos, route), 405, 422 (path, query, body), 429.
      await send('GET', '/v1/users/me', undefined, null);
      await send('GET', `${base}/agent/runs`, undefined, 'other');
      await send('GET', `${base}/agent/run/999`);
      await send('GET', `/v1/alpha${base}/agent/run/999/logs`);
      await send('POST', `${base}/agent/run/resume`, { agent_run_id: 999, prompt: 'x' });
      await send('GET', `${base}/users/999`);
      await send('POST', `${base}/agent/run`, { prompt: 'p', repo_id: 77 });
      await send('GET', `${base}/agent/run/abc`);
      await send('GET', `${base}/agent/runs?limit=0&source_type=NOPE&user_id=x`);
      await send('GET', `/v1/alpha${base}/agent/run/1001/logs?reverse=maybe`);
      await send('POST', `${base}/agent/run`, { images: 'x', metadata: [] });
      await send('POST', `${base}/agent/run`, '{oops');
      await send('POST', `${base}/agent/run/resume`, { agent_run_id: 'z' });
      await send('POST', `${base}/agent/run/remove-from-pr`, { agent_run_id: 999 });
      await send('POST', `${base}/agent/run/remove-from-pr`, { before_card_order_id: 3 });
      await send('GET', '/v1/nowhere');
      await send('PUT', '/v1/users/me');
      await send('POST', `${base}/agent/run`, { prompt: 'fifth' });
      await send('POST', `${base}/agent/run`, { prompt: 'sixth' });
      await send('POST', `${base}/agent/run`, { prompt: 'quota' }); // 402
      for (let i = 0; i < 3; i++) await send('GET', '/v1/organizations');
    } finally {
      await fake.close();
    }

    const seen = new Set<string>();
    const undeclared = new Set<string>();
    for (const record of responses) {
      const declared = declaredSchema(record);
      if (!declared) {
        undeclared.add(`${record.method} ${record.status}`);
        continue;
      }
      seen.add(`${declared.operationId}:${record.status}`);
      const validate = ajv.compile(rewriteRefs(declared.schema) as object);
      const valid = validate(record.body);
      expect(valid, `${record.method} ${record.path} ${record.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    // Every status the spec declares for the endpoints the fake serves was exercised at least once...
    expect(new Set([...seen].map((key) => key.split(':')[1]))).toEqual(
      new Set(['200', '402', '403', '404', '422', '429']),
    );
    // ...and the only responses without a declared schema are the undeclared 401 and the routing errors.
    // (POST 400: a refused resume; the spec declares no status for it.)
    expect([...undeclared].sort()).toEqual(['GET 401', 'GET 404', 'POST 400', 'PUT 405']);
    expect(seen).toContain('get_check_suite_settings_v1_organizations__org_id__repos_check_suite_settings_get:200');
    expect(seen).toContain('update_check_suite_settings_v1_organizations__org_id__repos_check_suite_settings_put:200');
    expect(seen).toContain('update_check_suite_settings_v1_organizations__org_id__repos_check_suite_settings_put:422');
    expect(responses.length).toBeGreaterThan(40);
  });
});
