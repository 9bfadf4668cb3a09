import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders the prose subset', () => {
    expect(renderMarkdown('**Fort** et *doux*, ~~barré~~')).toBe('<p><strong>Fort</strong> et <em>doux</em>, <del>barré</del></p>');
    expect(renderMarkdown('- un\n- deux')).toBe('<ul>\n<li>un</li>\n<li>deux</li>\n</ul>');
    expect(renderMarkdown('> cité')).toBe('<blockquote>\n<p>cité</p>\n</blockquote>');
    expect(renderMarkdown('ligne\nsuivante')).toBe('<p>ligne<br />suivante</p>');
  });

  it('keeps headings, images and tables out, but their text in', () => {
    expect(renderMarkdown('# Titre')).toBe('Titre');
    expect(renderMarkdown('![affiche](https://example.org/a.png)')).toBe('<p></p>');
    expect(renderMarkdown('| a |\n|---|\n| b |')).not.toMatch(/<t(able|d|h|r)/);
  });

  it('marks every link nofollow noopener noreferrer ugc and drops other attributes', () => {
    expect(renderMarkdown('[site](https://example.org "titre")')).toBe('<p><a href="https://example.org" rel="nofollow noopener noreferrer ugc">site</a></p>');
    expect(renderMarkdown('<a href="https://example.org" target="_blank" rel="opener" class="x">x</a>')).toBe(
      '<p><a href="https://example.org" rel="nofollow noopener noreferrer ugc">x</a></p>',
    );
    expect(renderMarkdown('https://example.org')).toBe('<p><a href="https://example.org" rel="nofollow noopener noreferrer ugc">https://example.org</a></p>');
  });

  it('keeps http, https and mailto links and drops the href of any other scheme', () => {
    expect(renderMarkdown('[m](mailto:a@example.org)')).toContain('href="mailto:a@example.org"');
    for (const href of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:x', '//evil.example', 'file:///etc/passwd']) {
      expect(renderMarkdown(`<a href="${href}">x</a>`)).toBe('<p><a rel="nofollow noopener noreferrer ugc">x</a></p>');
    }
  });

  it('escapes Markdown code instead of running it', () => {
    expect(renderMarkdown('`<script>`')).toBe('<p><code>&lt;script&gt;</code></p>');
  });

  it('renders an empty bio as nothing', () => {
    expect(renderMarkdown('')).toBe('');
  });
});
