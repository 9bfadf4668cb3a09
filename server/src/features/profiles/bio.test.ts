import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { MARKDOWN_XSS } from '../../testing/xss-payloads.ts';

let t: TestApp;
let member: Awaited<ReturnType<typeof createMember>>;
let reader: string;
beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t);
  reader = (await createMember(t)).token;
});
afterAll(() => t.close());

/** Saves a bio through the API and returns its HTML as another member receives it. */
async function bioHtml(bio: string): Promise<string> {
  const saved = await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: member.token, payload: { bio } });
  expect(saved.statusCode).toBe(200);
  expect(saved.json().bio).toBe(bio); // the source is kept as typed, for editing
  return (await t.request({ url: `/api/v1/profiles/${member.handle}`, as: reader })).json().bioHtml ?? '';
}

const XSS = MARKDOWN_XSS;

const TAG = /<[a-z][^>]*>/gi;

describe('bio', () => {
  it('renders Markdown: emphasis, lists, quotes, code', async () => {
    expect(await bioHtml('Engagée pour le **climat** et *la justice*\n\n- vélo\n- transports\n\n> Agir local')).toBe(
      '<p>Engagée pour le <strong>climat</strong> et <em>la justice</em></p>\n<ul>\n<li>vélo</li>\n<li>transports</li>\n</ul>\n<blockquote>\n<p>Agir local</p>\n</blockquote>',
    );
  });

  it('marks links nofollow noopener noreferrer ugc', async () => {
    const html = await bioHtml('Mon [site](https://example.org) et https://autre.example.org');
    const anchors = html.match(/<a [^>]*>/g) ?? [];
    expect(anchors).toHaveLength(2);
    for (const a of anchors) expect(a).toMatch(/^<a href="https:\/\/[^"]+" rel="nofollow noopener noreferrer ugc">$/);
  });

  it.each(XSS)('neutralises %s', async (payload) => {
    const html = await bioHtml(payload);
    expect(html).not.toMatch(/<script|<iframe|<img|<svg|<style|<object|<embed|<form|<meta|<math/i);
    // Attributes live in tags; text that merely reads like an attribute is escaped and harmless.
    for (const tag of html.match(TAG) ?? []) {
      expect(tag).not.toMatch(/\son\w+\s*=/i);
      expect(tag).not.toMatch(/javascript:|vbscript:|data:/i);
      expect(tag).not.toMatch(/style=/i);
      expect(tag).toMatch(/^<(p|br|strong|em|del|a|ul|ol|li|blockquote|code|pre)( href="(https?:\/\/|mailto:)[^"]*")?( rel="nofollow noopener noreferrer ugc")? ?\/?>$/);
    }
  });

  it('keeps the plain text of a removed construct readable', async () => {
    expect(await bioHtml('<b onmouseover="alert(1)">survol</b>')).toBe('<p>survol</p>');
    expect(await bioHtml('[cliquez](javascript:alert(1))')).toBe('<p><a rel="nofollow noopener noreferrer ugc">cliquez</a></p>');
  });

  it('empties the HTML with the bio', async () => {
    await bioHtml('Quelque chose');
    expect(await bioHtml('')).toBe('');
  });
});
