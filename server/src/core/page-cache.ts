import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { LOCALE_COOKIE, SESSION_COOKIE } from '@caucus/shared/constants.ts';

/** The pages' languages, as in web/project.inlang/settings.json (a test compares them); the first is the default. */
export const PAGE_LOCALES = ['fr', 'en'] as const;
export type PageLocale = (typeof PAGE_LOCALES)[number];

export const PAGE_CACHE_TTL_MS = 5_000;

export interface PageCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  maxBytes?: number;
  now?: () => number;
}

interface Entry {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  etag: string;
  expiresAt: number;
}

type CapturedHeaders = Record<string, number | string | string[] | undefined>;

/**
 * What a visitor without a session sees of a page that said its content is the same for every such
 * visitor (`Cache-Control: public`, set by the page itself), kept a few seconds in this process.
 * Invalidation (page-cache-plugin.ts) empties it on every write; while that cannot be trusted
 * (`setOpen(false)`), it serves and keeps nothing.
 */
export function createPageCache(options: PageCacheOptions = {}) {
  const ttlMs = options.ttlMs ?? PAGE_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? 500;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const now = options.now ?? Date.now;
  const sharedCacheControl = `public, max-age=0, s-maxage=${Math.ceil(ttlMs / 1000)}`;
  const entries = new Map<string, Entry>();
  let bytes = 0;
  // A render that began before an invalidation may show what the write changed: it is not kept.
  let generation = 0;
  let open = true;

  function invalidate(): void {
    entries.clear();
    bytes = 0;
    generation += 1;
  }

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.body.length;
  }

  function keep(key: string, entry: Entry): void {
    if (entry.body.length > maxBytes) return;
    remove(key);
    // A Map iterates in insertion order: the first key is the oldest.
    while (entries.size >= maxEntries || bytes + entry.body.length > maxBytes) remove(entries.keys().next().value!);
    entries.set(key, entry);
    bytes += entry.body.length;
  }

  function fresh(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry && entry.expiresAt > now()) return entry;
    remove(key);
    return undefined;
  }

  /**
   * Answers `req` from the cache, or lets `render` answer it and keeps what it rendered when the page
   * opted in. `origin` is part of the key: a page may write its own address (OpenGraph tags).
   */
  function serve(req: IncomingMessage, res: ServerResponse, origin: string, render: () => void): void {
    const locale = cacheableRequestLocale(req);
    if (!locale || !open) return render();
    const key = `${locale} ${origin}${req.url ?? '/'}`;
    const entry = fresh(key);
    if (entry) return send(req, res, entry, 'hit');
    // A HEAD's body may be left out by the renderer: only a GET fills the cache.
    if (req.method !== 'GET') return render();
    const startedAt = generation;
    captureResponse(res, (status, headers) => optedIn(status, headers, locale), (status, headers, body) => {
      const fresh: Entry = { status, headers: sharedHeaders(headers, body), body, etag: etagOf(body), expiresAt: now() + ttlMs };
      fresh.headers.etag = fresh.etag;
      if (open && generation === startedAt) keep(key, fresh);
      send(req, res, fresh, 'miss');
    });
    render();
  }

  function sharedHeaders(headers: CapturedHeaders, body: Buffer): OutgoingHttpHeaders {
    const kept: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) kept[name] = value;
    kept['cache-control'] = sharedCacheControl;
    kept.vary = 'Cookie, Accept-Language';
    kept['content-length'] = body.length;
    return kept;
  }

  return {
    serve,
    invalidate,
    /** Closed, it serves nothing and keeps nothing (the invalidation channel is down); either way it starts empty. */
    setOpen(value: boolean): void {
      open = value;
      invalidate();
    },
    isOpen: () => open,
    stats: () => ({ entries: entries.size, bytes }),
  };
}

export type PageCache = ReturnType<typeof createPageCache>;

/** The language the page will be shown in when the request may use the cache; null when it may not. */
function cacheableRequestLocale(req: IncomingMessage): PageLocale | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  if (req.headers.authorization !== undefined) return null;
  const cookies = req.headers.cookie ?? '';
  // Any session cookie, valid or not: the page is rendered for that request alone.
  if (cookieValue(cookies, SESSION_COOKIE) !== undefined) return null;
  return pageLocale(cookies, req.headers['accept-language']);
}

/**
 * Paraglide's choice (web/src/hooks.server.ts): the language cookie, then Accept-Language, then the
 * default. Keying on the result (two keys per page) rather than on the raw headers keeps the hit rate
 * high; a page is kept only when its Content-Language agrees, so a disagreement is a miss, not a mix-up.
 */
export function pageLocale(cookieHeader: string, acceptLanguage: string | undefined): PageLocale {
  const fromCookie = toLocale(cookieValue(cookieHeader, LOCALE_COOKIE));
  if (fromCookie) return fromCookie;
  const preferences = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', q = '1'] = part.trim().split(';q=');
      return { tag, q: Number(q) };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of preferences) {
    const locale = toLocale(tag) ?? toLocale(tag.split('-')[0]);
    if (locale) return locale;
  }
  return PAGE_LOCALES[0];
}

function toLocale(value: string | undefined): PageLocale | undefined {
  const lower = value?.toLowerCase();
  return PAGE_LOCALES.find((locale) => locale === lower);
}

function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const trimmed = part.trim();
    if (trimmed.startsWith(`${name}=`)) return trimmed.slice(name.length + 1);
  }
  return undefined;
}

/** Only what the page itself declared shareable: a whole HTML page or its data, in the language of the key. */
function optedIn(status: number, headers: CapturedHeaders, locale: PageLocale): boolean {
  const cacheControl = String(headers['cache-control'] ?? '').toLowerCase();
  const contentType = String(headers['content-type'] ?? '');
  return status === 200
    && headers['set-cookie'] === undefined
    && /(^|,)\s*public\s*(,|$)/.test(cacheControl)
    && (contentType.startsWith('text/html') || contentType.startsWith('application/json'))
    && String(headers['content-language'] ?? '') === locale;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function send(req: IncomingMessage, res: ServerResponse, entry: Entry, outcome: 'hit' | 'miss'): void {
  if (matchesEtag(req.headers['if-none-match'], entry.etag)) {
    const { etag, vary } = entry.headers;
    res.writeHead(304, { etag, vary, 'cache-control': entry.headers['cache-control'], 'x-caucus-cache': outcome });
    res.end();
    return;
  }
  res.writeHead(entry.status, { ...entry.headers, 'x-caucus-cache': outcome });
  res.end(req.method === 'HEAD' ? undefined : entry.body);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * Holds back the renderer's answer once its status and headers show it may be kept, and hands it
 * over whole (`done`), so that the ETag and the shared headers can be set first. Any other answer
 * goes out untouched, as it is written.
 */
function captureResponse(
  res: ServerResponse,
  mayKeep: (status: number, headers: CapturedHeaders) => boolean,
  done: (status: number, headers: CapturedHeaders, body: Buffer) => void,
): void {
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  const chunks: Buffer[] = [];
  let decided = false;
  const restore = () => Object.assign(res, original);
  const toBuffer = (chunk: unknown, encoding?: unknown) =>
    Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
  // True when the answer is held back; false (methods restored) when it goes out as written.
  const decide = (): boolean => {
    if (decided) return true;
    decided = true;
    if (mayKeep(res.statusCode, res.getHeaders())) return true;
    restore();
    return false;
  };

  res.writeHead = function writeHead(this: ServerResponse, status: number, ...rest: unknown[]) {
    const headers = rest.find((value) => typeof value === 'object' && value !== null);
    // The raw array form is not worth reading: such an answer is not kept.
    if (Array.isArray(headers)) {
      restore();
      return original.writeHead.call(this, status, ...(rest as []));
    }
    for (const [name, value] of Object.entries((headers ?? {}) as CapturedHeaders)) if (value !== undefined) res.setHeader(name, value);
    res.statusCode = status;
    if (!decide()) return original.writeHead.call(this, status);
    return this;
  } as ServerResponse['writeHead'];

  res.write = function write(this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    if (!decide()) return (original.write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, rest[0]));
    const callback = rest.find((value) => typeof value === 'function') as (() => void) | undefined;
    if (callback) queueMicrotask(callback);
    return true;
  } as ServerResponse['write'];

  res.end = function end(this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (!decide()) return (original.end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, rest[0]));
    restore();
    const headers = res.getHeaders();
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    done(res.statusCode, headers, Buffer.concat(chunks));
    return this;
  } as ServerResponse['end'];
}
