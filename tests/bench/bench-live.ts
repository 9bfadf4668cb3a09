// Live fan-out: the time from the POST that creates a group post to its arrival at each of 1,000
// sockets, beside a bare socket.io broadcast (bare-broadcast.ts) in the same run; then across two
// processes on one database (clients split, the poster on the first) beside two bare socket.io
// processes joined by socket.io's PostgreSQL adapter.
import { io as connect, type Socket } from 'socket.io-client';
import { percentile } from './lib.ts';
import type { Cast } from './setup.ts';
import { fanOutRow, type FanOut, type Row } from './table.ts';

const POSTS = Number(process.env.BENCH_FANOUT_POSTS ?? 20);

/** Connects one socket per cookie (null: no cookie), spread over `urls` in turn; resolves once all are connected. */
async function connectClients(urls: string[], cookies: Array<string | null>, onPost: (text: string) => void): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < cookies.length; i += 100) {
    const batch = cookies.slice(i, i + 100).map((cookie, k) => new Promise<Socket>((resolve, reject) => {
      const url = urls[(i + k) % urls.length]!;
      const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: cookie ? { cookie, origin: url } : { origin: url } });
      socket.on('post.created', (payload: { post: { bodyHtml: string } }) => onPost(payload.post.bodyHtml));
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    }));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** p50/p99 over every arrival of POSTS events, one every 300 ms. */
async function fanOut(urls: string[], cookies: Array<string | null>, post: (n: number) => Promise<void>): Promise<FanOut> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const sockets = await connectClients(urls, cookies, (text) => {
    const t0 = sentAt.get(Number(/fanout-(\d+)-/.exec(text)?.[1]));
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  await new Promise((r) => setTimeout(r, 1500)); // rooms are joined as each connection opens
  for (let n = 0; n < POSTS; n++) {
    sentAt.set(n, performance.now());
    await post(n);
    await new Promise((r) => setTimeout(r, 300));
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const socket of sockets) socket.disconnect();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => +x.toFixed(1);
  return { clients: sockets.length, posts: POSTS, arrivals: latencies.length, expected: sockets.length * POSTS, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(latencies.at(-1) ?? NaN) };
}

const caucusPoster = (url: string, cast: Cast) => async (n: number) => {
  const response = await fetch(`${url}/api/v1/groups/${cast.bigGroup.slug}/posts`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: url, cookie: cast.fanoutPoster },
    body: JSON.stringify({ body: `Réunion fanout-${n}- ce soir à 19 h.` }),
  });
  if (response.status !== 201) throw new Error(`fan-out post failed: ${response.status} ${await response.text()}`);
};
const barePoster = (url: string) => async (n: number) => {
  await fetch(`${url}/emit/${n}`, { method: 'POST' });
};

export interface LiveTarget {
  /** One Caucus process; a second one on the same database; a bare socket.io; two bare socket.io with the PostgreSQL adapter. */
  caucus: string; caucusSecond: string; bare: string; adapterPair: [string, string];
}

export async function liveRows(target: LiveTarget, cast: Cast): Promise<Row[]> {
  const anonymous = cast.listeners.map(() => null);
  const one = await fanOut([target.caucus], cast.listeners, caucusPoster(target.caucus, cast));
  const bare = await fanOut([target.bare], anonymous, barePoster(target.bare));
  const two = await fanOut([target.caucus, target.caucusSecond], cast.listeners, caucusPoster(target.caucus, cast));
  const adapter = await fanOut(target.adapterPair, anonymous, barePoster(target.adapterPair[0]));
  return [
    fanOutRow(`live fan-out, ${one.clients} sockets, one process (vs bare socket.io)`, one, bare, 2, true),
    fanOutRow(`live fan-out, ${two.clients} sockets, two processes (vs socket.io PG adapter)`, two, adapter, 1, false),
  ];
}
