// Who a forum access level means, in words that fit the forum: the network's (its members,
// moderators, the campaign team) or a group's (its members, moderators, organizers).
import type { ForumAccessLevel } from '@caucus/shared/constants.ts';
import type { CategoryAccess, ForumScope } from '@caucus/shared/schemas/forums.ts';
import { m } from '#lib/paraglide/messages.js';

export type AccessAct = keyof CategoryAccess;

/** "Les membres du groupe", "L’équipe de campagne"…: who `level` lets do `act` in this forum. */
export function levelLabel(level: ForumAccessLevel, act: AccessAct, scope: ForumScope): string {
  const network = scope.kind === 'network';
  switch (level) {
    case 'members':
      if (network) return m.forum_level_members_network();
      // Reading a public group's forum is open to everyone, visitors included.
      return act === 'read' && scope.group.visibility === 'public' ? m.forum_level_everyone_public() : m.forum_level_members_group();
    case 'moderators':
      return network ? m.forum_level_moderators_network() : m.forum_level_moderators_group();
    case 'organizers':
      return network ? m.forum_level_organizers_network() : m.forum_level_organizers_group();
  }
}

export function actLabel(act: AccessAct): string {
  switch (act) {
    case 'read':
      return m.forum_access_read();
    case 'start':
      return m.forum_access_start();
    case 'reply':
      return m.forum_access_reply();
  }
}

/** The acts a category keeps to fewer than everyone, each with who may: what its readers should know. */
export function restrictions(access: CategoryAccess, scope: ForumScope): Array<{ act: AccessAct; who: string }> {
  return (['read', 'start', 'reply'] as const)
    .filter((act) => access[act] !== 'members')
    .map((act) => ({ act, who: levelLabel(access[act], act, scope) }));
}
