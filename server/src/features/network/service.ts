import type { Image } from '@caucus/shared/schemas/media.ts';
import type { BrandingBody, NetworkInfo, SetupBody } from '@caucus/shared/schemas/network.ts';
import { sql } from 'kysely';
import { PRIVACY_POLICY_VERSION } from '@caucus/shared/constants.ts';
import type { Db } from '#core/db.ts';
import { AppError, fieldError, forbidden } from '#core/errors.ts';
import { canManageNetwork, type MaybeViewer } from '#core/policy.ts';
import type { RequestContext } from '#core/request-context.ts';
import { createSession } from '#core/session.ts';
import { completeSetup, getSettings, updateSettings } from '#core/settings.ts';
import type { AccountsService } from '#features/accounts/service.ts';
import { avatarOf, imageColumn, loadImages, presentImageColumn } from '#features/media/service.ts';
import { unreadCountSubquery } from '#features/notifications/queries.ts';

type SettingsRow = Awaited<ReturnType<typeof getSettings>>;

type BrandImages = Pick<NetworkInfo, 'logo' | 'favicon'>;

/** The logo and favicon, when set (one query, only then). */
async function brandImages(db: Db, row: Pick<SettingsRow, 'logo_id' | 'favicon_id'>): Promise<BrandImages> {
  if (!row.logo_id && !row.favicon_id) return {};
  const images = await loadImages(db, [row.logo_id, row.favicon_id]);
  return { logo: row.logo_id ? images.get(row.logo_id) : undefined, favicon: row.favicon_id ? images.get(row.favicon_id) : undefined };
}

function present(row: SettingsRow, brand: BrandImages = {}): NetworkInfo {
  return {
    name: row.name,
    tagline: row.tagline,
    colors: { primary: row.primary_color, accent: row.accent_color },
    setupRequired: row.setup_completed_at === null,
    privacyPolicyVersion: PRIVACY_POLICY_VERSION,
    groupCreation: row.group_creation,
    ...(brand.logo ? { logo: brand.logo } : {}),
    ...(brand.favicon ? { favicon: brand.favicon } : {}),
  };
}

export function createNetworkService(deps: { db: Db; accounts: AccountsService }) {
  const { db, accounts } = deps;
  return {
    async info() {
      const row = await getSettings(db);
      return present(row, await brandImages(db, row));
    },

    /** The network and, for a signed-in member, their unread notifications: one query for every page. */
    async pageContext(memberId: string | null): Promise<{ network: NetworkInfo; unreadNotifications: number; avatar: Image | undefined }> {
      const row = await db
        .selectFrom('network_settings')
        .selectAll()
        .select(memberId ? unreadCountSubquery(db, memberId).as('unread_notifications') : sql<number>`0`.as('unread_notifications'))
        .select([imageColumn('logo_id').as('logo'), imageColumn('favicon_id').as('favicon')])
        .select(memberId ? avatarOf(memberId).as('avatar') : sql<null>`null`.as('avatar'))
        .where('id', '=', 1)
        .executeTakeFirstOrThrow();
      const brand = { logo: presentImageColumn(row.logo), favicon: presentImageColumn(row.favicon) };
      return { network: present(row, brand), unreadNotifications: Number(row.unread_notifications), avatar: presentImageColumn(row.avatar) };
    },

    /** The first-run wizard: names the network and creates its owner, once, in one transaction. */
    async setup(body: SetupBody, ctx: RequestContext) {
      if (!body.acceptPrivacyPolicy) throw fieldError(400, 'acceptPrivacyPolicy', 'consent_required', 'Accept the privacy policy to create an account');
      if (!body.networkName.trim()) throw fieldError(400, 'networkName', 'required', 'This field is required');
      return db.transaction().execute(async (tx) => {
        if (!(await completeSetup(tx))) throw new AppError(409, 'setup_done', 'This network is already set up.');
        await updateSettings(tx, { name: body.networkName.trim(), tagline: body.tagline.trim() });
        const memberId = await accounts.createAccount(tx, { ...body, role: 'owner', verified: true, locale: ctx.locale });
        const session = await createSession(tx, memberId, { userAgent: ctx.userAgent, ip: ctx.ip });
        return { memberId, ...session };
      });
    },

    async updateBranding(viewer: MaybeViewer, body: BrandingBody): Promise<NetworkInfo> {
      if (!canManageNetwork(viewer)) throw forbidden('Only the network team may change its branding.');
      if (body.name !== undefined && !body.name.trim()) throw fieldError(400, 'name', 'required', 'This field is required');
      const row = await updateSettings(db, {
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.tagline !== undefined ? { tagline: body.tagline.trim() } : {}),
        ...(body.primaryColor ? { primary_color: body.primaryColor.toLowerCase() } : {}),
        ...(body.accentColor ? { accent_color: body.accentColor.toLowerCase() } : {}),
        ...(body.groupCreation ? { group_creation: body.groupCreation } : {}),
      });
      return present(row, await brandImages(db, row));
    },
  };
}
