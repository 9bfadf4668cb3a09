// The contract between the server and server-side rendering: SvelteKit reaches the API in
// process (no network hop) through this dispatcher, which the server publishes on globalThis
// before it loads the SvelteKit handler.

export interface InProcessRequest {
  method: string;
  /** Path and query, e.g. `/api/v1/me`. */
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The browser's address as the web layer saw it, for rate limits and session lists. */
  clientIp: string;
}

export interface InProcessCookie {
  name: string;
  value: string;
  path?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'lax' | 'strict' | 'none';
}

export interface InProcessResponse {
  status: number;
  body: unknown;
  cookies: InProcessCookie[];
}

export interface InProcessApi {
  dispatch(request: InProcessRequest): Promise<InProcessResponse>;
}

export const IN_PROCESS_API_KEY = '__caucusInProcessApi';

export function getInProcessApi(): InProcessApi {
  const api = (globalThis as Record<string, unknown>)[IN_PROCESS_API_KEY] as InProcessApi | undefined;
  if (!api) throw new Error('The Caucus API is not attached: start the web app through `caucus serve`.');
  return api;
}
