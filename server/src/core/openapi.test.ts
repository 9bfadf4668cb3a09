import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor.ts';
import { createMember, createTestApp, type TestApp } from '../testing/test-app.ts';

// Robustness over the whole API, driven by the OpenAPI document: a new route is covered the day it
// is added. Whatever the input, the answer is a 4xx with an error body, never a 5xx.
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodySchema: { properties?: Record<string, { type?: string }> } | undefined;
}

let t: TestApp;
let admin: Awaited<ReturnType<typeof createMember>>;
let operations: Operation[];

beforeAll(async () => {
  t = await createTestApp();
  admin = await createMember(t, { role: 'owner' });
  const doc = (await t.request({ url: '/api/docs/json' })).json() as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Operation['bodySchema'] }> }; parameters?: Array<{ in: string; name: string }> }>>;
  };
  operations = Object.entries(doc.paths)
    .filter(([path]) => path.startsWith('/api/v1/'))
    .flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        bodySchema: op.requestBody?.content['application/json']?.schema,
      })),
    );
});
afterAll(() => t.close());

const fill = (path: string, value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => value(name));
const plausible = (name: string) => (name.endsWith('Id') && name !== 'sessionId' ? '0190a3b4-0000-7000-8000-000000000000' : 'someone');

function expectClientError(response: { statusCode: number; body: string }, what: string, status?: number) {
  expect(response.statusCode, `${what} → ${response.statusCode} ${response.body}`).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, `${what} → ${response.statusCode} ${response.body}`).toBeLessThan(500);
  if (status) expect(response.statusCode, `${what} → ${response.body}`).toBe(status);
  if (response.body) expect(JSON.parse(response.body), what).toMatchObject({ error: expect.any(String), message: expect.any(String) });
}

const WRONG_BODIES = ['[]', '[{}]', '42', '"text"', 'null', 'true', '{"a":'];
const GARBAGE = ['%00', '%', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', "'%3B%20DROP%20TABLE%20members%3B--", 'x'.repeat(300), '%F0%9F%92%A5', '-1', 'null', '%7Bid%7D', '%20', 'a%2Fb', '0'];
const wrongValue = (schema: { type?: string } | undefined) => (schema?.type === 'string' ? 42 : schema?.type === 'array' ? 'text' : schema?.type === 'boolean' ? 'true' : schema?.type === 'object' ? [] : { nested: true });

describe('the API, as described by its OpenAPI document', () => {
  it('documents the API routes', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations.filter((o) => o.bodySchema).length).toBeGreaterThan(10);
    expect(operations.filter((o) => o.pathParams.length > 0).length).toBeGreaterThan(2);
  });

  it('answers a body of the wrong type with a 400 on every operation that takes one', async () => {
    for (const op of operations.filter((o) => o.bodySchema)) {
      const url = fill(op.path, plausible);
      for (const payload of WRONG_BODIES) {
        const response = await t.request({ method: op.method as 'POST', url, as: admin.token, headers: { 'content-type': 'application/json' }, payload });
        expectClientError(response, `${op.method} ${url} ${payload}`, 400);
      }
      const text = await t.request({ method: op.method as 'POST', url, as: admin.token, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' });
      expectClientError(text, `${op.method} ${url} form-encoded`, 415);
    }
  });

  it('answers each documented property given a value of another type with a 400 naming it', async () => {
    for (const op of operations.filter((o) => o.bodySchema?.properties)) {
      const url = fill(op.path, plausible);
      for (const [name, schema] of Object.entries(op.bodySchema!.properties!)) {
        const response = await t.request({ method: op.method as 'POST', url, as: admin.token, payload: { [name]: wrongValue(schema) } });
        expectClientError(response, `${op.method} ${url} ${name}`, 400);
        expect(response.json().fields?.[name], `${op.method} ${url} ${name}: ${response.body}`).toBeDefined();
      }
    }
  });

  it('answers garbage in path parameters with a 4xx on every operation that has them', async () => {
    for (const op of operations.filter((o) => o.pathParams.length > 0)) {
      for (const garbage of GARBAGE) {
        const url = fill(op.path, () => garbage);
        const body = op.bodySchema ? { payload: { role: 'member' } } : {};
        expectClientError(await t.request({ method: op.method as 'GET', url, as: admin.token, ...body }), `${op.method} ${url}`);
      }
    }
  });

  it('answers a malformed query string with a 400 on every GET that takes one, and never a 5xx on the others', async () => {
    for (const op of operations.filter((o) => o.method === 'GET')) {
      const url = `${fill(op.path, plausible)}?limit=abc&cursor=%%%`;
      const response = await t.request({ url, as: admin.token });
      if (op.queryParams.includes('limit')) {
        expectClientError(response, `GET ${url}`, 400);
        expect(response.json().fields.limit.code).toBe('wrong_type');
      } else {
        expect(response.statusCode, `GET ${url} → ${response.body}`).toBeLessThan(500);
      }
      for (const name of op.queryParams.filter((p) => p !== 'limit')) {
        expectClientError(await t.request({ url: `${fill(op.path, plausible)}?${name}=a%00b`, as: admin.token }), `GET ${op.path}?${name}=a%00b`, 400);
      }
      for (const cursor of ['%%%', 'AAAA', 'bnVsbA', '%2525', encodeCursor('x', '-'.repeat(36))]) {
        if (!op.queryParams.includes('cursor')) continue;
        expectClientError(await t.request({ url: `${fill(op.path, plausible)}?cursor=${cursor}`, as: admin.token }), `GET ${op.path}?cursor=${cursor}`, 400);
      }
    }
  });

  it('was signed in as the owner all along', async () => {
    expect((await t.request({ url: '/api/v1/me', as: admin.token })).json().role).toBe('owner');
  });
});
