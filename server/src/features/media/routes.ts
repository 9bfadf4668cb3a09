import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { MemberIdParams } from '@caucus/shared/schemas/admin.ts';
import { Ok } from '@caucus/shared/schemas/common.ts';
import { SlugParams } from '@caucus/shared/schemas/groups.ts';
import { Image, MediaParams, MediaPurposeSchema, MediaSettings, MemberQuota, MemberQuotaBody, UpdateAltBody, UpdateMediaSettingsBody, UseImageBody } from '@caucus/shared/schemas/media.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createMediaService } from './service.ts';
import { createUploadService } from './upload.ts';
import type { MediaWorkers } from './worker-pool.ts';

const UploadQuery = Type.Object({ purpose: MediaPurposeSchema }, { additionalProperties: false });

export const mediaRoutes: FastifyPluginAsyncTypebox<{ workers: MediaWorkers; requestPurge: () => void }> = async (app, { workers, requestPurge }) => {
  // Multipart is parsed in this scope only, and as a stream (the cap is enforced in receive.ts).
  await app.register(multipart, { throwFileSizeLimit: true });
  const uploads = createUploadService({ db: app.db, storage: app.storage, config: app.config, workers, log: app.log });
  const media = createMediaService({ db: app.db, requestPurge, maxUploadBytes: app.config.media.maxBytes });
  const tags = ['media'];

  app.post('/media', {
    schema: {
      tags,
      summary: 'Upload an image (multipart/form-data: the text field `alt`, then the file in the part `file`). JPEG, PNG, WebP, AVIF or GIF, recognised by its bytes; re-encoded without any metadata. Not shown anywhere until put to use.',
      consumes: ['multipart/form-data'],
      querystring: UploadQuery,
      response: { 201: Image, ...errorResponses(400, 401, 403, 413, 415, 429, 503) },
    },
  }, async (request, reply) => reply.status(201).send(await uploads.upload(request.viewer, request.query.purpose, request)));

  app.patch('/media/:mediaId', {
    schema: { tags, summary: 'Change the alt text of one of my images.', params: MediaParams, body: UpdateAltBody, response: { 200: Image, ...errorResponses(400, 401, 404) } },
  }, async (request) => media.updateAlt(requireViewer(request), request.params.mediaId, request.body.alt));

  app.delete('/media/:mediaId', {
    schema: { tags, summary: 'Discard one of my uploads not yet put to use.', params: MediaParams, response: { 200: Ok, ...errorResponses(400, 401, 404, 409) } },
  }, async (request) => {
    await media.discard(requireViewer(request), request.params.mediaId);
    return { ok: true as const };
  });

  app.get('/me/media-quota', {
    schema: { tags, summary: 'How much of my image quota I use.', response: { 200: MemberQuota, ...errorResponses(401) } },
  }, async (request) => media.myQuota(requireViewer(request)));

  app.put('/me/avatar', {
    schema: { tags, summary: 'Make one of my uploads (purpose `avatar`) my avatar; the previous one is deleted.', body: UseImageBody, response: { 200: Image, ...errorResponses(400, 401, 404, 409) } },
  }, async (request) => (await media.setAvatar(requireViewer(request), request.body.imageId))!);

  app.delete('/me/avatar', {
    schema: { tags, summary: 'Remove my avatar (my initials are shown instead).', response: { 200: Ok, ...errorResponses(401) } },
  }, async (request) => {
    await media.setAvatar(requireViewer(request), null);
    return { ok: true as const };
  });

  app.put('/groups/:slug/cover', {
    schema: { tags, summary: "Set a group's cover from one of my uploads (purpose `cover`); organizers and admins.", params: SlugParams, body: UseImageBody, response: { 200: Image, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => (await media.setCover(requireViewer(request), request.params.slug, request.body.imageId))!);

  app.delete('/groups/:slug/cover', {
    schema: { tags, summary: "Remove a group's cover.", params: SlugParams, response: { 200: Ok, ...errorResponses(401, 403, 404) } },
  }, async (request) => {
    await media.setCover(requireViewer(request), request.params.slug, null);
    return { ok: true as const };
  });

  for (const slot of ['logo', 'favicon'] as const) {
    app.put(`/admin/network/${slot}`, {
      schema: { tags: ['admin'], summary: `Set the network's ${slot} from one of my uploads (purpose \`${slot}\`; owner and admins).`, body: UseImageBody, response: { 200: Image, ...errorResponses(400, 401, 403, 404, 409) } },
    }, async (request) => (await media.setBrandImage(request.viewer, slot, request.body.imageId))!);

    app.delete(`/admin/network/${slot}`, {
      schema: { tags: ['admin'], summary: `Remove the network's ${slot} (the name and its initial are shown instead).`, response: { 200: Ok, ...errorResponses(401, 403) } },
    }, async (request) => {
      await media.setBrandImage(request.viewer, slot, null);
      return { ok: true as const };
    });
  }

  app.get('/admin/media-settings', {
    schema: { tags: ['admin'], summary: 'Per-member image quota and upload rate (owner and admins).', response: { 200: MediaSettings, ...errorResponses(401, 403) } },
  }, async (request) => media.settings(request.viewer));

  app.patch('/admin/media-settings', {
    schema: { tags: ['admin'], summary: 'Change the per-member image quota or upload rate (owner and admins).', body: UpdateMediaSettingsBody, response: { 200: MediaSettings, ...errorResponses(400, 401, 403) } },
  }, async (request) => media.updateSettings(request.viewer, request.body));

  app.put('/admin/members/:memberId/media-quota', {
    schema: { tags: ['admin'], summary: "Give a member their own image quota, or (null) the network's default.", params: MemberIdParams, body: MemberQuotaBody, response: { 200: MemberQuota, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => media.setMemberQuota(request.viewer, request.params.memberId, request.body.quotaBytes));
};
