#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from './core/config.ts';
import { migrateToLatest } from './core/migrate.ts';
import { openConfiguredDatabase, startServer, startWorker } from './server.ts';

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
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({ args: rest, options: { dev: { type: 'boolean', default: false } } });
      await startServer(config, { dev: values.dev ?? false });
      return;
    }
    case 'worker':
      await startWorker(config);
      return;
    case 'migrate': {
      const db = await openConfiguredDatabase(config);
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
      const { createAdmin } = await import('./features/admin/create-admin.ts');
      await withDatabase(config, async (db) => console.log(await createAdmin(db, config, { email: values.email!, handle: values.handle!, displayName: values.name!, password })));
      return;
    }
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { demo: { type: 'boolean' }, scale: { type: 'string' }, groups: { type: 'string' }, posts: { type: 'string' } } });
      const seed = await import('./features/seed/seed.ts');
      const whole = (value: string | undefined, name: string, fallback: number): number => {
        if (value === undefined) return fallback;
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number.`);
        return n;
      };
      if (values.demo) await withDatabase(config, async (_db, handle) => console.log(await seed.seedDemo(handle, config)));
      else if (values.scale) {
        const count = whole(values.scale, '--scale', 0);
        if (count < 1) throw new UsageError('seed --scale takes a positive whole number.');
        const groups = whole(values.groups, '--groups', Math.max(1, Math.round(count * 0.03)));
        const posts = whole(values.posts, '--posts', count * 50);
        await withDatabase(config, async (db) => console.log(await seed.seedScale(db, count, { groups, posts })));
      } else if (values.posts) {
        const posts = whole(values.posts, '--posts', 0);
        await withDatabase(config, async (db) => console.log(await seed.seedMorePosts(db, posts)));
      } else throw new UsageError('seed needs --demo, --scale N or --posts P.');
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  }
}

class UsageError extends Error {}

async function withDatabase(config: ReturnType<typeof loadConfig>, run: (db: Awaited<ReturnType<typeof openConfiguredDatabase>>['db'], handle: Awaited<ReturnType<typeof openConfiguredDatabase>>) => Promise<void>): Promise<void> {
  const handle = await openConfiguredDatabase(config);
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
