import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  NotificationPage, NotificationParams, NotificationPreferences, NotificationsQuery, UnreadCount,
} from '@caucus/shared/schemas/notifications.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createNotificationsService } from './service.ts';

export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const notifications = createNotificationsService({ db: app.db, events: app.events });
  const tags = ['notifications'];

  app.get('/notifications', {
    schema: { tags, summary: 'My notifications, most recently updated first, paged by cursor; `unread=true` keeps the unread ones.', querystring: NotificationsQuery, response: { 200: NotificationPage, ...errorResponses(400, 401) } },
  }, async (request) => notifications.list(requireViewer(request), request.query));

  app.post('/notifications/:id/read', {
    schema: { tags, summary: 'Mark one of my notifications read; every open page of mine updates its badge.', params: NotificationParams, response: { 200: UnreadCount, ...errorResponses(400, 401, 404) } },
  }, async (request) => notifications.markRead(requireViewer(request), request.params.id));

  app.post('/notifications/read-all', {
    schema: { tags, summary: 'Mark all my notifications read.', response: { 200: UnreadCount, ...errorResponses(401) } },
  }, async (request) => notifications.markAllRead(requireViewer(request)));

  app.get('/me/notification-preferences', {
    schema: { tags, summary: 'For every kind of notification: shown in the app, sent by e-mail.', response: { 200: NotificationPreferences, ...errorResponses(401) } },
  }, async (request) => notifications.preferences(requireViewer(request)));

  app.put('/me/notification-preferences', {
    schema: { tags, summary: 'Choose, per kind, the app and e-mail (e-mail needs the app); kinds left out keep their setting.', body: NotificationPreferences, response: { 200: NotificationPreferences, ...errorResponses(400, 401) } },
  }, async (request) => notifications.updatePreferences(requireViewer(request), request.body));
};
