#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from './core/config.ts';
import { sendControlRequest, type ControlRequest } from './core/control-socket.ts';
import { controlSocketPathFor, DataDirLockedError } from './core/data-lock.ts';
import { migrateToLatest } from './core/migrate.ts';
import { embeddedDbDir, openConfiguredDatabase, startServer, startWorker } from './server.ts';

const USAGE = `Usage: caucus <command>

  serve [--dev]                 run the network (API, pages, live updates) on HOST:PORT
  migrate                       apply pending database migrations
  worker                        run the background jobs, without HTTP (needs DATABASE_URL;
                                start \`serve\` with JOBS_IN_PROCESS=false next to it)
  create-admin --email E --handle H --name N [--password P]
                                create an admin (the owner, if the network has none yet);
                                the password is read from CAUCUS_ADMIN_PASSWORD when not given
  seed --demo                   fill an empty network with a small French demo network
  seed --scale N [--groups G] [--posts P]
                                add N generated members, G groups (default N × 3 %) with
                                memberships and follows, and P posts (default N × 50), for benchmarks
  seed --posts P                add P more posts to the scale groups
  seed --forums T [--replies R] add forums to the scale groups: T threads, R replies (default 10 × T)

On the embedded database (no DATABASE_URL), DATA_DIR/db belongs to one process at a time:
while \`caucus serve\` runs, create-admin and migrate go through it; the other commands wait for a stop.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { dev: { type: 'boolean', default: false } } });
      await startServer(config, { dev: values.dev ?? false }).catch((error: unknown) => {
        if (error instanceof DataDirLockedError) throw new Error(`${error.message} While it runs, \`caucus create-admin\` and \`caucus migrate\` go through it.`, { cause: error });
        throw error;
      });
      return;
    }
    case 'worker':
      await startWorker(config);
      return;
    case 'migrate': {
      const db = await openOrAskServer(config, 'migrate', { command: 'migrate' });
      if (!db) return;
      try {
        const applied = await migrateToLatest(db.db);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
      } finally {
        await db.close();
      }
      return;
    }
    case 'create-admin': {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, handle: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } } });
      const password = values.password ?? process.env.CAUCUS_ADMIN_PASSWORD;
      if (!values.email || !values.handle || !values.name || !password) throw new UsageError('create-admin needs --email, --handle, --name and a password (--password or CAUCUS_ADMIN_PASSWORD).');
      const input = { email: values.email, handle: values.handle, displayName: values.name, password };
      await withDatabase(config, 'create-admin', async (db) => {
        const { createAdmin } = await import('./features/admin/create-admin.ts');
        console.log(await createAdmin(db, config, input));
      }, { command: 'create-admin', ...input });
      return;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, scale: { type: 'string' }, groups: { type: 'string' }, posts: { type: 'string' }, forums: { type: 'string' }, replies: { type: 'string' } } });
      // Loaded once the database is ours: a refusal (the server holds it) comes at once.
      const seed = () => import('./features/seed/seed.ts');
      const whole = (value: string | undefined, name: string, fallback: number): number => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number.`);
        return n;
      };
      if (values.demo) {
        await withDatabase(config, 'seed', async (_db, handle) => {
          const { buildApp } = await import('./app.ts');
          console.log(await (await seed()).seedDemo(handle, config, () => buildApp({ config, db: handle, web: 'none', logger: false })));
        });
      }
      else if (values.scale) {
        const count = whole(values.scale, '--scale', 0);
        if (count < 1) throw new UsageError('seed --scale takes a positive whole number.');
        const groups = whole(values.groups, '--groups', Math.max(1, Math.round(count * 0.03)));
        const posts = whole(values.posts, '--posts', count * 50);
        await withDatabase(config, 'seed', async (db) => console.log(await (await seed()).seedScale(db, count, { groups, posts })));
      } else if (values.posts) {
        const posts = whole(values.posts, '--posts', 0);
        await withDatabase(config, 'seed', async (db) => console.log(await (await seed()).seedMorePosts(db, posts)));
      } else if (values.forums) {
        const threads = whole(values.forums, '--forums', 0);
        if (threads < 1) throw new UsageError('seed --forums takes a positive whole number of threads.');
        const replies = whole(values.replies, '--replies', threads * 10);
        await withDatabase(config, 'seed', async (db) => console.log(await (await import('./features/seed/scale-forums.ts')).seedScaleForums(db, threads, replies)));
      } else throw new UsageError('seed needs --demo, --scale N, --posts P or --forums T.');
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

class UsageError extends Error {}

/**
 * Opens the database for `caucus <command>`. When a running `caucus serve` holds the embedded one,
 * sends it `viaServer` and prints its answer (null: done), or says what to do for the commands it does not run.
 */
async function openOrAskServer(config: ReturnType<typeof loadConfig>, command: string, viaServer?: ControlRequest): Promise<Handle | null> {
  const locked = await openConfiguredDatabase(config, command).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) return error;
    throw error;
  });
  if (!(locked instanceof DataDirLockedError)) return locked;
  const server = locked.holder?.command === 'serve';
  if (!viaServer || !server) {
    throw new Error(server ? `${locked.message} \`caucus ${command}\` must have the database to itself: stop the server, run \`caucus ${command}\`, then start it again.` : locked.message, { cause: locked });
  }
  const socketPath = controlSocketPathFor(embeddedDbDir(config));
  const answer = await sendControlRequest(socketPath, viaServer).catch((cause: unknown) => {
    throw new Error(`${locked.message} It does not answer on ${socketPath} (${(cause as Error).message}): if it is starting, try again in a moment; else stop it, then run \`caucus ${command}\` again.`, { cause });
  });
  if (!answer.ok) throw new Error(answer.error);
  console.log(answer.output);
  return null;
}

type Handle = Awaited<ReturnType<typeof openConfiguredDatabase>>;

/** Migrates, then runs `run` on the database; on an embedded one held by `caucus serve`, `viaServer` asks that server instead. */
async function withDatabase(config: ReturnType<typeof loadConfig>, command: string, run: (db: Handle['db'], handle: Handle) => Promise<void>, viaServer?: ControlRequest): Promise<void> {
  const handle = await openOrAskServer(config, command, viaServer);
  if (!handle) return;
  try {
    await migrateToLatest(handle.db);
    await run(handle.db, handle);
  } finally {
    await handle.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
