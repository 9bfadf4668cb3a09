// The transport's own baseline for live fan-out: a bare socket.io server that, on an HTTP POST,
// emits a post-sized event to one room of connected clients. With ADAPTER_DATABASE_URL it uses
// socket.io's PostgreSQL adapter, so that two of these processes on one database give the
// adapter's own cross-process figure. Started by bench-live.ts in its own process.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import { Server } from 'socket.io';

const payloadPadding = 'x'.repeat(Number(process.env.PAYLOAD_BYTES ?? 600));
const server = createServer((request, response) => {
  const match = /^\/emit\/(\d+)$/.exec(request.url ?? '');
  if (request.method !== 'POST' || !match) {
    response.writeHead(404).end();
    return;
  }
  io.to('room').emit('post.created', { post: { id: match[1], bodyHtml: `<p>fanout-${match[1]}-</p>`, padding: payloadPadding } });
  response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
});
const databaseUrl = process.env.ADAPTER_DATABASE_URL;
const pool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 3 }) : null;
const io = new Server(server, { serveClient: false, ...(pool ? { adapter: createAdapter(pool) } : {}) });
io.on('connection', (socket) => void socket.join('room'));
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => void io.close(() => void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0))));
