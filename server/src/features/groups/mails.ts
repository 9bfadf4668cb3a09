import type { Mail } from '#core/mail.ts';

// The invitation to a group by e-mail. We do not know the reader's language (nor whether they have
// an account, which must not show): French first, then English, in one message.

interface InvitationMail { network: string; group: string; inviter: string; link: string; days: number }

const french = (p: InvitationMail) =>
  `Bonjour,\n\n${p.inviter} vous invite à rejoindre le groupe « ${p.group} » sur ${p.network}. Pour accepter, suivez ce lien (connectez-vous ou créez un compte, puis revenez-y) :\n${p.link}\n\nCe lien est valable ${p.days} jours et ne sert qu'une fois. Si vous ne connaissez pas cette personne, ignorez ce message.`;

const english = (p: InvitationMail) =>
  `Hello,\n\n${p.inviter} invites you to join the group “${p.group}” on ${p.network}. To accept, follow this link (log in or sign up, then come back to it):\n${p.link}\n\nThis link is valid for ${p.days} days and works once. If you do not know this person, ignore this message.`;

export function groupInvitationMail(to: string, p: InvitationMail): Mail {
  const subject = `Invitation : ${p.group} — ${p.network} / Invitation: ${p.group}`;
  const text = `${french(p)}\n\n— English —\n\n${english(p)}`;
  const html = text
    .split('\n\n')
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>').replaceAll(escapeHtml(p.link), `<a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>`)}</p>`)
    .join('\n');
  return { to, subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
