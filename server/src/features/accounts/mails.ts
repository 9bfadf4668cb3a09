import type { Mail } from '#core/mail.ts';
import type { Locale } from '#core/request-context.ts';

// The account e-mails, in the member's language. Plain text first; the HTML part repeats it.
type Template = (p: { network: string; name: string; link: string }) => { subject: string; text: string };

const TEMPLATES: Record<'verify' | 'alreadyRegistered' | 'reset' | 'changeEmail' | 'emailChangeNotice' | 'emailTaken' | 'loginAlert', Record<Locale, Template>> = {
  verify: {
    fr: (p) => ({ subject: `Confirmez votre adresse — ${p.network}`, text: `Bonjour ${p.name},\n\nConfirmez votre adresse e-mail pour activer votre compte sur ${p.network} :\n${p.link}\n\nCe lien est valable 48 heures. Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message.` }),
    en: (p) => ({ subject: `Confirm your address — ${p.network}`, text: `Hello ${p.name},\n\nConfirm your e-mail address to activate your account on ${p.network}:\n${p.link}\n\nThis link is valid for 48 hours. If you did not sign up, ignore this message.` }),
  },
  alreadyRegistered: {
    fr: (p) => ({ subject: `Tentative d'inscription — ${p.network}`, text: `Bonjour ${p.name},\n\nQuelqu'un a voulu créer un compte sur ${p.network} avec votre adresse, qui a déjà un compte. Si c'était vous, connectez-vous ou réinitialisez votre mot de passe :\n${p.link}\n\nSinon, ignorez ce message.` }),
    en: (p) => ({ subject: `Sign-up attempt — ${p.network}`, text: `Hello ${p.name},\n\nSomeone tried to sign up on ${p.network} with your address, which already has an account. If it was you, log in or reset your password:\n${p.link}\n\nOtherwise, ignore this message.` }),
  },
  reset: {
    fr: (p) => ({ subject: `Réinitialiser votre mot de passe — ${p.network}`, text: `Bonjour ${p.name},\n\nPour choisir un nouveau mot de passe sur ${p.network}, suivez ce lien :\n${p.link}\n\nIl est valable une heure et ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.` }),
    en: (p) => ({ subject: `Reset your password — ${p.network}`, text: `Hello ${p.name},\n\nTo choose a new password on ${p.network}, follow this link:\n${p.link}\n\nIt is valid for one hour and works once. If you did not ask, ignore this message: your password does not change.` }),
  },
  changeEmail: {
    fr: (p) => ({ subject: `Confirmez votre nouvelle adresse — ${p.network}`, text: `Bonjour ${p.name},\n\nConfirmez cette adresse comme nouvelle adresse de votre compte ${p.network} :\n${p.link}\n\nCe lien est valable 24 heures.` }),
    en: (p) => ({ subject: `Confirm your new address — ${p.network}`, text: `Hello ${p.name},\n\nConfirm this address as the new address of your ${p.network} account:\n${p.link}\n\nThis link is valid for 24 hours.` }),
  },
  emailChangeNotice: {
    fr: (p) => ({ subject: `Changement d'adresse demandé — ${p.network}`, text: `Bonjour ${p.name},\n\nUn changement de l'adresse e-mail de votre compte ${p.network} a été demandé. Si ce n'était pas vous, changez votre mot de passe sans attendre :\n${p.link}` }),
    en: (p) => ({ subject: `Address change requested — ${p.network}`, text: `Hello ${p.name},\n\nA change of your ${p.network} account's e-mail address was requested. If it was not you, change your password now:\n${p.link}` }),
  },
  loginAlert: {
    fr: (p) => ({ subject: `Tentatives de connexion sur votre compte — ${p.network}`, text: `Bonjour ${p.name},\n\nQuelqu'un a essayé de nombreux mots de passe pour se connecter à votre compte ${p.network}. Par précaution, la connexion depuis un appareil inconnu est suspendue pendant quelques minutes. Les appareils depuis lesquels vous vous êtes déjà connecté ne sont pas concernés : vous pouvez continuer à les utiliser.\n\nSi ce n'était pas vous, votre mot de passe n'a pas été trouvé. S'il est court ou si vous l'utilisez ailleurs, changez-le :\n${p.link}` }),
    en: (p) => ({ subject: `Login attempts on your account — ${p.network}`, text: `Hello ${p.name},\n\nSomeone tried many passwords to log in to your ${p.network} account. As a precaution, logging in from an unknown device is paused for a few minutes. The devices you have logged in from before are not affected: you can keep using them.\n\nIf it was not you, your password was not found. If it is short or you use it elsewhere, change it:\n${p.link}` }),
  },
  emailTaken: {
    fr: (p) => ({ subject: `Adresse déjà utilisée — ${p.network}`, text: `Bonjour,\n\nQuelqu'un a voulu associer cette adresse à un compte ${p.network}, mais elle a déjà un compte. Rien n'a changé. Connexion : ${p.link}` }),
    en: (p) => ({ subject: `Address already in use — ${p.network}`, text: `Hello,\n\nSomeone tried to attach this address to a ${p.network} account, but it already has one. Nothing changed. Log in: ${p.link}` }),
  },
};

export type AccountMail = keyof typeof TEMPLATES;

export function accountMail(kind: AccountMail, locale: Locale, to: string, p: { network: string; name: string; link: string }): Mail {
  const { subject, text } = TEMPLATES[kind][locale](p);
  const html = text
    .split('\n\n')
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, '<br>').replace(escapeHtml(p.link), `<a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a>`)}</p>`)
    .join('\n');
  return { to, subject, text, html };
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
