import type { BrandingBody, NetworkInfo, SetupBody } from '@caucus/shared/schemas/network.ts';
import { PRIVACY_POLICY_VERSION } from '@caucus/shared/constants.ts';
import type { Db } from '#core/db.ts';
import { AppError, fieldError, forbidden } from '#core/errors.ts';
import { canManageNetwork, type MaybeViewer } from '#core/policy.ts';
import type { RequestContext } from '#core/request-context.ts';
import { createSession } from '#core/session.ts';
import { completeSetup, getSettings, updateSettings } from '#core/settings.ts';
import type { AccountsService } from '#features/accounts/service.ts';

type SettingsRow = Awaited<ReturnType<typeof getSettings>>;

function present(row: SettingsRow): NetworkInfo {
  return {
    name: row.name,
    tagline: row.tagline,
    colors: { primary: row.primary_color, accent: row.accent_color },
    setupRequired: row.setup_completed_at === null,
    privacyPolicyVersion: PRIVACY_POLICY_VERSION,
  };
}

export function createNetworkService(deps: { db: Db; accounts: AccountsService }) {
  const { db, accounts } = deps;
  return {
    info: async () => present(await getSettings(db)),

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
      });
      return present(row);
    },
  };
}
