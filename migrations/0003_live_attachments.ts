import { sql, type Kysely } from 'kysely';

// The socket.io PostgreSQL adapter sends live events between processes by NOTIFY, whose payload
// is limited to 8000 bytes: a larger event (a long post) goes through this table, and the adapter
// deletes rows older than 30 s itself. Its shape is the adapter's (@socket.io/postgres-adapter).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('socket_io_attachments')
    .addColumn('id', 'bigserial', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.defaultTo(sql`now()`))
    .addColumn('payload', 'bytea')
    .execute();
  // The adapter's cleanup: DELETE … WHERE created_at < now() - interval '30 s', every 30 s.
  await db.schema.createIndex('socket_io_attachments_created_idx').on('socket_io_attachments').column('created_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('socket_io_attachments').ifExists().execute();
}
