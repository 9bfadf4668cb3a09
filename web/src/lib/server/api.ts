// Server-side rendering reaches the JSON API in process, never over the network, so that every
// authorization decision stays in the API. Pages and actions call `api()` and nothing else.
import type { RequestEvent } from '@sveltejs/kit';
import { getInProcessApi, type InProcessCookie } from '@caucus/shared/in-process.ts';
import type { ApiError } from '@caucus/shared/errors.ts';
import { getLocale } from '#lib/paraglide/runtime.js';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ApiSuccess<T> = { ok: true; status: number; body: T };
export type ApiFailure = { ok: false; status: number; body: ApiError };
export type ApiResponse<T> = ApiSuccess<T> | ApiFailure;

/** Headers of the browser's request that the API needs to see as if it were called directly. */
const FORWARDED = ['cookie', 'user-agent', 'origin', 'x-request-id'] as const;

export async function api<T>(
  event: RequestEvent,
  method: ApiMethod,
  path: string,
  body?: unknown,
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = event.request.headers.get(name);
    if (value) headers[name] = value;
  }
  // The language the page is shown in comes first, so that e-mails sent on this request match it.
  const acceptLanguage = event.request.headers.get('accept-language');
  headers['accept-language'] = acceptLanguage ? `${getLocale()}, ${acceptLanguage}` : getLocale();
  headers.host = event.url.host;
  if (method !== 'GET' && !headers.origin) headers.origin = event.url.origin;
  if (body !== undefined) headers['content-type'] = 'application/json';

  const response = await getInProcessApi().dispatch({
    method,
    url: path,
    headers,
    body,
    clientIp: event.getClientAddress(),
  });

  for (const cookie of response.cookies) applyCookie(event, cookie);

  const parsed = typeof response.body === 'string' && response.body !== '' ? safeJson(response.body) : response.body;
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: response.status, body: parsed as T };
  }
  return { ok: false, status: response.status, body: toApiError(parsed, response.status) };
}

function applyCookie(event: RequestEvent, cookie: InProcessCookie): void {
  const options = {
    path: cookie.path ?? '/',
    httpOnly: cookie.httpOnly ?? true,
    // The API knows whether the network is served over HTTPS; it says `secure` only when it is.
    secure: cookie.secure ?? false,
    sameSite: cookie.sameSite ?? 'lax',
  } as const;
  const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && new Date(cookie.expires).getTime() <= Date.now());
  if (expired) {
    event.cookies.delete(cookie.name, options);
  } else {
    event.cookies.set(cookie.name, cookie.value, {
      ...options,
      ...(cookie.maxAge !== undefined && { maxAge: cookie.maxAge }),
      ...(cookie.expires !== undefined && { expires: new Date(cookie.expires) }),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(body: unknown, status: number): ApiError {
  if (body && typeof body === 'object' && typeof (body as ApiError).error === 'string') return body as ApiError;
  return { error: status >= 500 ? 'internal' : 'invalid_input', message: `The API answered ${status}.` };
}

/** Builds `/api/v1/…?a=1` from a path and the query values that are set. */
export function withQuery(path: string, query: Record<string, string | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
