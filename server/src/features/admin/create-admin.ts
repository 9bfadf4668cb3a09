import type { Config } from '#core/config.ts';
import type { Db } from '#core/db.ts';
import { AppError } from '#core/errors.ts';
import { completeSetup } from '#core/settings.ts';
import { createAccountsService } from '#features/accounts/service.ts';
import { createMailer } from '#core/mail.ts';
import pino from 'pino';

/** `caucus create-admin`: an admin with a verified address; the owner, if the network has none. */
export async function createAdmin(db: Db, config: Config, input: { email: string; handle: string; displayName: string; password: string }): Promise<string> {
  const accounts = createAccountsService({ db, mailer: createMailer(config, db, pino({ level: 'warn' })), config });
  try {
    return await db.transaction().execute(async (tx) => {
      const hasOwner = await tx.selectFrom('members').select('id').where('role', '=', 'owner').executeTakeFirst();
      const role = hasOwner ? 'admin' : 'owner';
      await accounts.createAccount(tx, { ...input, role, verified: true });
      if (!hasOwner) await completeSetup(tx);
      return `Created ${role} @${input.handle} <${input.email}>.`;
    });
  } catch (error) {
    if (error instanceof AppError) {
      const details = Object.entries(error.fields ?? {}).map(([field, f]) => `${field}: ${f.message}`).join('; ');
      throw new Error(`${error.message}${details ? ` (${details})` : ''}`, { cause: error });
    }
    throw error;
  }
}
