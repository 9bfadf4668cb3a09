import { LIMITS, type NetworkRole } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { fieldError } from '#core/errors.ts';
import { parsePostMarkdown, renderPostMarkdown } from '#core/markdown.ts';
import { verifiedMembersByHandles } from './queries.ts';

export interface MentionedMember {
  id: string;
  role: NetworkRole;
}

export interface PreparedText {
  /** As typed, in NFC: kept for editing. */
  body: string;
  html: string;
  hashtags: string[];
  /** Verified members named with `@handle`, resolved in one query. */
  mentioned: MentionedMember[];
}

/**
 * A post's or comment's text: Markdown subset, `@handle` links for members that exist (one query),
 * `#hashtag` links. Refuses blank text and more mentions than LIMITS.mentionsPerPostMax.
 */
export async function prepareText(db: DbOrTx, source: string): Promise<PreparedText> {
  const body = source.normalize('NFC');
  if (body.trim() === '') throw fieldError(400, 'body', 'required', 'Write something before publishing');
  const doc = parsePostMarkdown(body);
  if (doc.mentions.length > LIMITS.mentionsPerPostMax) {
    throw fieldError(400, 'body', 'too_many', `Mention at most ${LIMITS.mentionsPerPostMax} members at once`, { max: LIMITS.mentionsPerPostMax });
  }
  const members = await verifiedMembersByHandles(db, doc.mentions);
  const html = renderPostMarkdown(doc, new Map(members.map((m) => [m.handle.toLowerCase(), m.handle])));
  return { body, html, hashtags: doc.hashtags, mentioned: members.map((m) => ({ id: m.id, role: m.role })) };
}

/** The lower-cased handles a text mentions: on edit, only members newly mentioned are notified. */
export const mentionedHandles = (source: string): Set<string> => new Set(parsePostMarkdown(source.normalize('NFC')).mentions);

/** Keeps the members whose handle the old text did not mention already. */
export async function newlyMentioned(db: DbOrTx, prepared: PreparedText, previousSource: string): Promise<MentionedMember[]> {
  const before = mentionedHandles(previousSource);
  if (before.size === 0 || prepared.mentioned.length === 0) return prepared.mentioned;
  const old = new Set((await verifiedMembersByHandles(db, [...before])).map((m) => m.id));
  return prepared.mentioned.filter((m) => !old.has(m.id));
}
