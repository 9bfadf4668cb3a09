import { describe, expect, it } from 'vitest';
import { parsePostMarkdown, renderMarkdown, renderPostMarkdown } from './markdown.ts';

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

describe('post text: mentions and hashtags', () => {
  const render = (source: string, handles: string[] = []) => {
    const doc = parsePostMarkdown(source);
    return { doc, html: renderPostMarkdown(doc, new Map(handles.map((h) => [h.toLowerCase(), h]))) };
  };

  it('links the mentions of known handles, in their own spelling, and leaves the others as text', () => {
    const { doc, html } = render('Merci @lea et @inconnu', ['Lea']);
    expect(doc.mentions).toEqual(['lea', 'inconnu']);
    expect(html).toBe('<p>Merci <a href="/members/Lea" class="mention">@Lea</a> et @inconnu</p>');
  });

  it('finds hashtags with a letter, lower-cased, each once', () => {
    const { doc, html } = render('#Logement #logement #École_2 #2027 issue #3');
    expect(doc.hashtags).toEqual(['logement', 'école_2']);
    expect(html).toContain('<a href="/hashtags/logement" class="hashtag">#Logement</a>');
    expect(html).toContain('#2027 issue #3');
  });

  it('sees neither inside words, addresses, URLs, code, link texts nor HTML entities', () => {
    const { doc, html } = render('a@lea b#tag lea@example.org https://x.example/#frag `@lea #tag` [@lea #tag](https://x.example) &#35;tag', ['lea']);
    expect(doc.mentions).toEqual([]);
    expect(doc.hashtags).toEqual([]);
    expect(html).toContain('<a href="mailto:lea@example.org" rel="nofollow noopener noreferrer ugc">lea@example.org</a>');
    expect(html).toContain('<a href="https://x.example/#frag" rel="nofollow noopener noreferrer ugc">');
    expect(html).not.toContain('class="mention"');
  });

  it('fake mentions: raw HTML never keeps a class, so only the renderer makes mention and hashtag links', () => {
    const forged = render('Voir <a class="mention" href="https://evil.example/camille">@camille</a> et <a href="/members/x" class="mention evil" onclick="x()">x</a> <a class="hashtag" href="https://evil.example">#lyon</a>', ['camille']);
    expect(forged.html).toBe(
      '<p>Voir <a href="https://evil.example/camille" rel="nofollow noopener noreferrer ugc">@camille</a> et ' +
        '<a href="/members/x" rel="nofollow noopener noreferrer ugc">x</a> <a href="https://evil.example" rel="nofollow noopener noreferrer ugc">#lyon</a></p>',
    );
    // The real ones beside them keep their look, and the renderer's mark never reaches the HTML.
    const real = render('@camille #lyon <a class="mention" href="https://evil.example">@camille</a>', ['camille']).html;
    expect(real.match(/class="mention"/g)).toHaveLength(1);
    expect(real).toContain('<a href="/members/camille" class="mention">@camille</a>');
    expect(real).toContain('class="hashtag">#lyon</a>');
    expect(real).not.toContain('data-caucus');
  });
});
