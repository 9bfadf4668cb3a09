import type { NotificationKind } from '@caucus/shared/constants.ts';
import type { Mail } from '#core/mail.ts';
import type { Locale } from '#core/request-context.ts';

export interface NotificationMailParams {
  network: string;
  name: string;
  actor: string;
  /** How many others besides `actor` (grouped reactions). */
  others: number;
  group: string | null;
  excerpt: string;
  link: string;
  preferencesLink: string;
}

type Line = (p: NotificationMailParams) => string;

const andOthers: Record<Locale, (p: NotificationMailParams) => string> = {
  fr: (p) => (p.others === 0 ? p.actor : p.others === 1 ? `${p.actor} et une autre personne` : `${p.actor} et ${p.others} autres personnes`),
  en: (p) => (p.others === 0 ? p.actor : p.others === 1 ? `${p.actor} and one other person` : `${p.actor} and ${p.others} others`),
};

// What happened, in one sentence: it is the subject and the mail's first line.
const HEADLINES: Record<NotificationKind, Record<Locale, Line>> = {
  mention: { fr: (p) => `${p.actor} vous a mentionné`, en: (p) => `${p.actor} mentioned you` },
  comment: { fr: (p) => `${p.actor} a commenté votre publication`, en: (p) => `${p.actor} commented on your post` },
  reply: { fr: (p) => `${p.actor} a répondu à votre commentaire`, en: (p) => `${p.actor} replied to your comment` },
  reaction: { fr: (p) => `${andOthers.fr(p)} ${p.others === 0 ? 'a' : 'ont'} réagi à votre publication`, en: (p) => `${andOthers.en(p)} reacted to your post` },
  join_request: { fr: (p) => `${p.actor} demande à rejoindre ${p.group ?? 'votre groupe'}`, en: (p) => `${p.actor} asks to join ${p.group ?? 'your group'}` },
  request_approved: { fr: (p) => `Bienvenue dans ${p.group ?? 'le groupe'} : votre demande est acceptée`, en: (p) => `Welcome to ${p.group ?? 'the group'}: your request was approved` },
  invitation: { fr: (p) => `${p.actor} vous invite à rejoindre ${p.group ?? 'un groupe'}`, en: (p) => `${p.actor} invites you to join ${p.group ?? 'a group'}` },
  forum_reply: { fr: (p) => `${p.actor} a répondu dans un sujet que vous suivez`, en: (p) => `${p.actor} replied in a thread you watch` },
  forum_mention: { fr: (p) => `${p.actor} vous a mentionné dans le forum`, en: (p) => `${p.actor} mentioned you in the forum` },
};

const WORDS: Record<Locale, { hello: (name: string) => string; open: string; why: (network: string) => string }> = {
  fr: {
    hello: (name) => `Bonjour ${name},`,
    open: 'Voir sur le réseau :',
    why: (network) => `Vous recevez ce message parce que vous avez choisi d'être prévenu par e-mail sur ${network}. Pour choisir ce que vous recevez :`,
  },
  en: {
    hello: (name) => `Hello ${name},`,
    open: 'See it on the network:',
    why: (network) => `You receive this because you chose to be told by e-mail on ${network}. To choose what you receive:`,
  },
};

/** A notification as an e-mail in the recipient's language: plain text, and the same as HTML. */
export function notificationMail(kind: NotificationKind, locale: Locale, to: string, p: NotificationMailParams): Mail {
  const headline = HEADLINES[kind][locale](p);
  const words = WORDS[locale];
  const quote = p.excerpt ? `« ${p.excerpt} »` : '';
  const text = [words.hello(p.name), `${headline}.`, ...(quote ? [quote] : []), `${words.open}\n${p.link}`, `—\n${words.why(p.network)}\n${p.preferencesLink}`].join('\n\n');
  const html = [
    `<p>${escapeHtml(words.hello(p.name))}</p>`,
    `<p>${escapeHtml(headline)}.</p>`,
    ...(quote ? [`<blockquote>${escapeHtml(p.excerpt)}</blockquote>`] : []),
    `<p>${escapeHtml(words.open)}<br>${anchor(p.link)}</p>`,
    `<p style="color:#666;font-size:small">${escapeHtml(words.why(p.network))}<br>${anchor(p.preferencesLink)}</p>`,
  ].join('\n');
  return { to, subject: `${headline} — ${p.network}`, text, html };
}

const anchor = (href: string) => `<a href="${escapeHtml(href)}">${escapeHtml(href)}</a>`;

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
