import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';

export const STREAMS = ['home', 'group'] as const;

export const StreamingQuery = Type.Object({
  stream: Type.Optional(Type.Enum(STREAMS, { default: 'home', description: '`home`: the network wall, your groups, the members you follow, your notifications. `group`: one group you may read (give `group`).' })),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.groupSlugMax, pattern: '^[A-Za-z0-9-]+$', description: 'The group\'s slug, with `stream=group`.' })),
  access_token: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'Your personal access token, for clients that cannot send `Authorization: Bearer`. Prefer the header: URLs end up in logs (ours leave it out).' })),
});
export type StreamingQuery = Static<typeof StreamingQuery>;

/** The first message of every stream, once it is subscribed: events published from then on will come. */
export interface StreamReady {
  event: 'stream.ready';
  payload: { stream: 'home' } | { stream: 'group'; group: string };
}
