import type { NetworkRole } from '@caucus/shared/constants.ts';
import { m } from '#lib/paraglide/messages.js';

export function roleLabel(role: NetworkRole): string {
  switch (role) {
    case 'owner':
      return m.role_owner();
    case 'admin':
      return m.role_admin();
    case 'moderator':
      return m.role_moderator();
    case 'member':
      return m.role_member();
  }
}
