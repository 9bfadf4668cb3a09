import { rooms } from '#core/events.ts';
import type { ForumContext } from './scope.ts';

/**
 * The room a forum's live events go to: its group's (whose doors the policy already keeps: members
 * by right, readers who watch, out at once on leaving or a ban) or the network's. Events of a
 * category read by fewer than the forum's readers are not sent at all.
 */
export const forumRooms = (forum: ForumContext): string[] => (forum.groupId ? [rooms.group(forum.groupId)] : [rooms.network]);
