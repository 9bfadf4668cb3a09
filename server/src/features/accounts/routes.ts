import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ChangeEmailBody, ChangePasswordBody, ChooseHandleBody, EmailBody, LoginBody, Me, ResetPasswordBody, SessionList, SessionParams, SignupBody, TokenBody,
} from '@caucus/shared/schemas/accounts.ts';
import { Ok } from '@caucus/shared/schemas/common.ts';
import { clearSessionCookie, requireSession, requireViewer, setSessionCookie } from '#core/auth.ts';
import { requestContext } from '#core/request-context.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createAccountsService } from './service.ts';
import { workAccountMailJobs } from './mail-jobs.ts';
import { deviceTokenHash, setDeviceCookie } from './device-cookies.ts';
import { createHandlesService } from './handles.ts';

const Revoked = Type.Object({ ok: Type.Literal(true), revoked: Type.Integer() });

export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const accounts = createAccountsService({ db: app.db, mailer: app.mailer, config: app.config, live: app.live, sessions: app.sessionCache, jobs: app.jobs });
  workAccountMailJobs(app);
  const tags = ['accounts'];
  const ok = { ok: true } as const;

  app.post('/auth/signup', {
    schema: { tags, summary: 'Create an account; a verification link is e-mailed. Answers the same whether or not the address is registered.', body: SignupBody, response: { 202: Ok, ...errorResponses(400, 409, 429) } },
  }, async (request, reply) => {
    await accounts.signup(request.body, requestContext(request));
    return reply.status(202).send(ok);
  });

  app.post('/auth/verify-email', { schema: { tags, summary: 'Confirm an e-mail address with the token from the link.', body: TokenBody, response: { 200: Ok, ...errorResponses(400) } } }, async (request) => {
    await accounts.verifyEmail(request.body.token);
    return ok;
  });

  app.post('/auth/resend-verification', { schema: { tags, summary: 'Send a new verification link, if the address has an unverified account.', body: EmailBody, response: { 202: Ok, ...errorResponses(400, 429) } } }, async (request, reply) => {
    await accounts.resendVerification(request.body.email, requestContext(request));
    return reply.status(202).send(ok);
  });

  app.post('/auth/login', { schema: { tags, summary: 'Log in; sets the session cookie, and the device cookie that keeps this browser out of lockouts caused by others.', body: LoginBody, response: { 200: Me, ...errorResponses(400, 401, 403, 429) } } }, async (request, reply) => {
    const { token, expiresAt, deviceToken, me } = await accounts.login(request.body.email, request.body.password, requestContext(request), deviceTokenHash(request));
    setSessionCookie(reply, app.config, token, expiresAt);
    setDeviceCookie(reply, app.config, deviceToken);
    return me;
  });

  app.post('/auth/logout', { schema: { tags, summary: 'End this session.', response: { 200: Ok } } }, async (request, reply) => {
    if (request.session) await accounts.logout(request.session);
    clearSessionCookie(reply, app.config);
    return ok;
  });

  app.post('/auth/logout-others', { schema: { tags, summary: 'End every other session of mine.', response: { 200: Revoked, ...errorResponses(401) } } }, async (request) => {
    const revoked = await accounts.logoutOthers(requireSession(request));
    return { ok: true as const, revoked };
  });

  app.get('/auth/sessions', { schema: { tags, summary: 'My active sessions.', response: { 200: SessionList, ...errorResponses(401) } } }, async (request) => {
    return { sessions: await accounts.listSessions(requireSession(request)) };
  });

  app.delete('/auth/sessions/:sessionId', { schema: { tags, summary: 'End one of my sessions.', params: SessionParams, response: { 200: Ok, ...errorResponses(401, 404) } } }, async (request, reply) => {
    const session = requireSession(request);
    await accounts.revokeSession(session, request.params.sessionId);
    if (request.params.sessionId === session.publicId) clearSessionCookie(reply, app.config);
    return ok;
  });

  app.post('/auth/password-reset/request', { schema: { tags, summary: 'E-mail a single-use reset link, if the address has an account.', body: EmailBody, response: { 202: Ok, ...errorResponses(400, 429) } } }, async (request, reply) => {
    await accounts.requestPasswordReset(request.body.email, requestContext(request));
    return reply.status(202).send(ok);
  });

  app.post('/auth/password-reset/confirm', { schema: { tags, summary: 'Choose a new password with the token from the link; ends every session.', body: ResetPasswordBody, response: { 200: Ok, ...errorResponses(400) } } }, async (request, reply) => {
    await accounts.resetPassword(request.body.token, request.body.password);
    clearSessionCookie(reply, app.config);
    return ok;
  });

  app.post('/auth/password', { schema: { tags, summary: 'Change my password; ends my other sessions.', body: ChangePasswordBody, response: { 200: Ok, ...errorResponses(400, 401, 429) } } }, async (request) => {
    await accounts.changePassword(requireSession(request), request.body.currentPassword, request.body.newPassword);
    return ok;
  });

  app.post('/auth/email', { schema: { tags, summary: 'Ask to change my e-mail address; the new one must be confirmed.', body: ChangeEmailBody, response: { 202: Ok, ...errorResponses(400, 401, 429) } } }, async (request, reply) => {
    await accounts.changeEmail(requireSession(request), request.body.newEmail, request.body.currentPassword);
    return reply.status(202).send(ok);
  });

  app.post('/auth/email/confirm', { schema: { tags, summary: 'Confirm a new e-mail address with the token from the link.', body: TokenBody, response: { 200: Ok, ...errorResponses(400) } } }, async (request) => {
    await accounts.confirmEmailChange(request.body.token);
    return ok;
  });

  app.get('/me', { schema: { tags, summary: 'The signed-in member.', response: { 200: Me, ...errorResponses(401) } } }, async (request) => {
    return accounts.me(requireViewer(request).id);
  });

  const handles = createHandlesService({ db: app.db, sessions: app.sessionCache });
  app.put('/me/handle', {
    schema: { tags, summary: 'Choose my handle (required once after sign-up; may change later). Verified members only, rate limited.', body: ChooseHandleBody, response: { 200: Me, ...errorResponses(400, 401, 403, 409, 429) } },
  }, async (request) => {
    const viewer = requireViewer(request);
    await handles.chooseHandle(viewer, request.body.handle);
    return accounts.me(viewer.id);
  });
};
