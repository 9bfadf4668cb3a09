import { Type, type Static } from 'typebox';
import { Uuid } from './common.ts';

export const MEDIA_PURPOSES = ['avatar', 'cover', 'post', 'logo', 'favicon'] as const;
export type MediaPurpose = (typeof MEDIA_PURPOSES)[number];

export const MEDIA_LIMITS = {
  altMax: 1000,
  imagesPerPost: 6,
  /** Frames of an animated image. */
  framesMax: 300,
} as const;

export const ImageVariant = Type.Object({
  url: Type.String({ description: 'Same-origin path under /media.' }),
  width: Type.Integer(),
  height: Type.Integer(),
  type: Type.String({ description: '`image/webp`, or `image/png` for favicons.' }),
});
export type ImageVariant = Static<typeof ImageVariant>;

/** An uploaded image: re-encoded, stripped of every metadata, in a few widths. */
export const Image = Type.Object({
  id: Uuid,
  alt: Type.String(),
  width: Type.Integer({ description: 'Of the largest variant.' }),
  height: Type.Integer(),
  animated: Type.Boolean(),
  placeholder: Type.Union([Type.String(), Type.Null()], { description: "A blurred sketch to draw while the image loads: the image's thumbhash rendered as a WebP data URL of about 200 bytes." }),
  variants: Type.Array(ImageVariant, { description: 'Narrowest first: a `srcset`.' }),
});
export type Image = Static<typeof Image>;

export const MediaPurposeSchema = Type.Enum(MEDIA_PURPOSES, {
  description: 'What the image is for, which sets its sizes: `avatar` and `favicon` are cropped square.',
});

export const AltText = Type.String({ minLength: 1, maxLength: MEDIA_LIMITS.altMax, description: 'What the image shows, for those who cannot see it.' });

/** The multipart fields of an upload, documented (the file is the part named `file`). */
export const UploadFields = Type.Object({
  purpose: MediaPurposeSchema,
  alt: AltText,
  file: Type.String({ format: 'binary', description: 'JPEG, PNG, WebP, AVIF or GIF; within the size cap.' }),
});

export const MediaParams = Type.Object({ mediaId: Uuid });
export const UpdateAltBody = Type.Object({ alt: AltText }, { additionalProperties: false });
export type UpdateAltBody = Static<typeof UpdateAltBody>;

/** Puts an uploaded image to use (avatar, cover, logo, favicon). */
export const UseImageBody = Type.Object({ imageId: Uuid }, { additionalProperties: false });
export type UseImageBody = Static<typeof UseImageBody>;

export const MediaSettings = Type.Object({
  maxUploadBytes: Type.Integer({ description: 'The size cap of one file (MEDIA_MAX_BYTES; set by the operator).' }),
  quotaBytes: Type.Integer({ minimum: 0, description: 'Total stored bytes per member, unless a member has their own quota.' }),
  uploadsPerHour: Type.Integer({ minimum: 1 }),
});
export type MediaSettings = Static<typeof MediaSettings>;

export const UpdateMediaSettingsBody = Type.Object(
  {
    quotaBytes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1024 ** 4 })),
    uploadsPerHour: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);
export type UpdateMediaSettingsBody = Static<typeof UpdateMediaSettingsBody>;

export const MemberQuota = Type.Object({
  usedBytes: Type.Integer(),
  quotaBytes: Type.Integer(),
  /** True when an admin set this member's own quota. */
  custom: Type.Boolean(),
  maxUploadBytes: Type.Integer({ description: 'The size cap of one file.' }),
});
export type MemberQuota = Static<typeof MemberQuota>;

export const MemberQuotaBody = Type.Object(
  { quotaBytes: Type.Union([Type.Integer({ minimum: 0, maximum: 1024 ** 4 }), Type.Null()], { description: 'Null: back to the network default.' }) },
  { additionalProperties: false },
);
export type MemberQuotaBody = Static<typeof MemberQuotaBody>;
