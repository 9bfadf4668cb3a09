import { randomBytes } from 'node:crypto';
import { Marked, type Token, type TokensList } from 'marked';
import sanitizeHtml from 'sanitize-html';

// Headings, images, tables and raw HTML are not part of the subset: a bio or post is prose.
const marked = new Marked({ gfm: true, breaks: true, async: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 'a', 'ul', 'ol', 'li', 'blockquote', 'code', 'pre'],
  allowedAttributes: { a: ['href', 'rel', 'target'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { href: attribs.href ?? '', rel: 'nofollow noopener noreferrer ugc' } }),
  },
};

/** Renders the Markdown subset to HTML that is safe to insert as is. */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false });
  return sanitizeHtml(html, ALLOWED).trim();
}

// ── Posts and comments: the same subset, plus @mentions and #hashtags ────────────────────────────
// A separate instance, so that bios and group descriptions keep rendering exactly as before.

const WORD = /[\p{L}\p{N}_]/u;
const MENTION = /^@([a-zA-Z0-9_]{3,30})(?![a-zA-Z0-9_])/;
// A hashtag has at least one letter ("#2027" or "issue #3" are not tags) and at most 50 characters.
const HASHTAG = /^#((?=[\p{N}_]*\p{L})[\p{L}\p{N}_]{1,50})(?![\p{L}\p{N}_])/u;
// Where a mention or a hashtag may begin: after a non-word character ('&' too: `&#106;` is an entity).
const START = /(?<![\p{L}\p{N}_&])[@#](?=[\p{L}\p{N}_])/u;

// Marks the links this renderer makes, so the sanitizer tells them from raw HTML in the text: a
// post could otherwise hold `<a class="mention" href="https://…">@camille</a>`, a mention's look
// leading off-site. Unknown outside this process, it never reaches the stored HTML.
const RENDERER_MARK = randomBytes(16).toString('hex');
const MARK_ATTRIBUTE = 'data-caucus-mark';

interface MentionToken { type: 'mention'; raw: string; handle: string; href?: string }
interface HashtagToken { type: 'hashtag'; raw: string; text: string; tag: string }

/** True when the text just before the current position ends a word: `bob@example.org` holds no mention. */
function followsWord(tokens: Token[]): boolean {
  const previous = tokens.at(-1);
  if (!previous || previous.type !== 'text') return false;
  const last = previous.raw.slice(-1);
  return WORD.test(last) || last === '&';
}

export const normalizeHashtag = (tag: string): string => tag.normalize('NFC').toLowerCase();

const postMarked = new Marked({ gfm: true, breaks: true, async: false });
postMarked.use({
  extensions: [
    {
      name: 'mention',
      level: 'inline',
      start: (src: string) => src.match(START)?.index,
      tokenizer(src: string, tokens: Token[]) {
        if (this.lexer.state.inLink || followsWord(tokens)) return undefined;
        const m = MENTION.exec(src);
        return m ? ({ type: 'mention', raw: m[0], handle: m[1]! } satisfies MentionToken) : undefined;
      },
      renderer: (token) => {
        const mention = token as unknown as MentionToken;
        return mention.href ? `<a href="${mention.href}" class="mention" ${MARK_ATTRIBUTE}="${RENDERER_MARK}">@${mention.handle}</a>` : mention.raw;
      },
    },
    {
      name: 'hashtag',
      level: 'inline',
      start: (src: string) => src.match(START)?.index,
      tokenizer(src: string, tokens: Token[]) {
        if (this.lexer.state.inLink || followsWord(tokens)) return undefined;
        const m = HASHTAG.exec(src);
        if (!m) return undefined;
        return { type: 'hashtag', raw: m[0], text: m[1]!, tag: normalizeHashtag(m[1]!) } satisfies HashtagToken;
      },
      renderer: (token) => {
        const hashtag = token as unknown as HashtagToken;
        return `<a href="/hashtags/${encodeURIComponent(hashtag.tag)}" class="hashtag" ${MARK_ATTRIBUTE}="${RENDERER_MARK}">#${hashtag.text}</a>`;
      },
    },
  ],
});

const POST_ALLOWED: sanitizeHtml.IOptions = {
  ...ALLOWED,
  allowedAttributes: { a: ['href', 'rel', 'class'] },
  allowedClasses: { a: ['mention', 'hashtag'] },
  transformTags: {
    // Only the renderer's own links (mentions and hashtags: our own pages, so no `rel`) keep their
    // class; any class typed by the author is dropped, and every other link is marked as theirs.
    a: (tagName, attribs) => ({
      tagName,
      attribs: attribs.class && attribs[MARK_ATTRIBUTE] === RENDERER_MARK
        ? { href: attribs.href ?? '', class: attribs.class } as sanitizeHtml.Attributes
        : { href: attribs.href ?? '', rel: 'nofollow noopener noreferrer ugc' },
    }),
  },
};

/** A post or comment read once: its tokens, and the mentions and hashtags it holds (outside code and links). */
export interface MarkdownDocument {
  tokens: TokensList;
  /** Lower-cased handles, each once, in order of appearance. */
  mentions: string[];
  /** Normalized (NFC, lower-cased) tags, each once. */
  hashtags: string[];
}

/** Call with NFC text, so that a tag typed with combining accents is the same tag. */
export function parsePostMarkdown(source: string): MarkdownDocument {
  const tokens = postMarked.lexer(source);
  const mentions = new Set<string>();
  const hashtags = new Set<string>();
  postMarked.walkTokens(tokens, (token) => {
    if (token.type === 'mention') mentions.add((token as unknown as MentionToken).handle.toLowerCase());
    if (token.type === 'hashtag') hashtags.add((token as unknown as HashtagToken).tag);
  });
  return { tokens, mentions: [...mentions], hashtags: [...hashtags] };
}

/**
 * Renders a parsed post to safe HTML. `members` maps the lower-cased handles that exist to their
 * handle as spelled by their owner: only those become links; any other `@word` stays text.
 */
export function renderPostMarkdown(doc: MarkdownDocument, members: ReadonlyMap<string, string>): string {
  postMarked.walkTokens(doc.tokens, (token) => {
    if (token.type !== 'mention') return;
    const mention = token as unknown as MentionToken;
    const handle = members.get(mention.handle.toLowerCase());
    if (handle) {
      mention.handle = handle;
      mention.href = `/members/${handle}`;
    }
  });
  return sanitizeHtml(postMarked.parser(doc.tokens), POST_ALLOWED).trim();
}
