import { open } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { rgbaToThumbHash, thumbHashToRGBA } from 'thumbhash';
import { MEDIA_LIMITS, type MediaPurpose } from '@caucus/shared/schemas/media.ts';
import { AppError, fieldError } from '#core/errors.ts';
import { sniffImageFormat, type ImageFormat } from './sniff.ts';

// libvips keeps decoded images in a cache meant for reuse; every upload is a new file, so it only
// costs memory. One libvips thread per image: the worker pool decides how many run at once.
sharp.cache(false);
sharp.concurrency(1);

interface PurposeSpec {
  /** Variant widths; the largest is also the bound of the full view. */
  widths: number[];
  /** Cropped to a square, centred on what draws the eye. */
  square: boolean;
  format: 'webp' | 'png';
  /** Animated GIF/WebP keep their animation (else the first frame is used). */
  animation: boolean;
}

// Avatars up to 6rem at 2× and more; feed and full view for posts; browser icons for the favicon
// (PNG: every browser takes it, and the 180 px one is the apple-touch icon).
export const PURPOSE_SPECS: Record<MediaPurpose, PurposeSpec> = {
  avatar: { widths: [96, 192, 384], square: true, format: 'webp', animation: false },
  cover: { widths: [640, 1280, 1920], square: false, format: 'webp', animation: false },
  // 1920, not 2048: a 12 MP phone photo (4032 px) then decodes at half size (JPEG shrink-on-load).
  post: { widths: [320, 640, 1280, 1920], square: false, format: 'webp', animation: true },
  logo: { widths: [128, 256, 512], square: false, format: 'webp', animation: false },
  favicon: { widths: [32, 180, 192], square: true, format: 'png', animation: false },
};

/** Animations stay small: their frames multiply everything. */
const ANIMATION_MAX_WIDTH = 640;
/** All the frames of an animation together. */
const ANIMATION_MAX_PIXELS = 60_000_000;
/** Output height at most this many times the width: a 1 × 50,000 strip does not become a variant. */
const MAX_TALLNESS = 3;
const TIMEOUT_SECONDS = 60;
// Effort 2 encodes about twice as fast as 4 for a few percent more bytes (tests/bench/media.ts).
const WEBP = { quality: 80, effort: 2 } as const;

export interface ProcessedVariant {
  name: string;
  width: number;
  height: number;
  type: 'image/webp' | 'image/png';
  data: Buffer;
}

export interface ProcessedImage {
  format: ImageFormat;
  width: number;
  height: number;
  animated: boolean;
  placeholder: string;
  /** Narrowest first. */
  variants: ProcessedVariant[];
}

export interface ProcessingLimits {
  maxPixels: number;
}

/** HEIC (HEVC) decoding is absent from sharp's prebuilt libvips; a custom build may have it. */
export const canDecodeHeic = (): boolean => (sharp.format.heif.input.fileSuffix ?? []).includes('.heic');

const refuse = (status: number, code: 'unsupported_media_type' | 'invalid_input' | 'out_of_range' | 'required', message: string) =>
  fieldError(status, 'file', code, message);

const megapixels = (pixels: number) => `${Math.round(pixels / 1_000_000)} megapixels`;

/**
 * Reads an uploaded file and makes its variants: type from the bytes, bounded pixels and frames,
 * rotated upright from EXIF, converted to sRGB, every metadata dropped (sharp writes none unless
 * asked), re-encoded to WebP (PNG for favicons), plus a thumbhash placeholder. Throws a 4xx
 * AppError for anything it refuses; never writes anywhere.
 */
export async function processImage(file: string, size: number, purpose: MediaPurpose, limits: ProcessingLimits): Promise<ProcessedImage> {
  if (size === 0) throw refuse(400, 'required', 'The file is empty: choose an image.');
  const format = sniffImageFormat(await readHead(file));
  if (!format) throw refuse(415, 'unsupported_media_type', 'This file is not an image we accept (JPEG, PNG, WebP, AVIF or GIF), whatever its name says.');
  if (format === 'heic' && !canDecodeHeic()) {
    throw refuse(415, 'unsupported_media_type', 'HEIC photos cannot be read on this server: set your phone to take "Most compatible" (JPEG) photos, or export this one as JPEG.');
  }

  const spec = PURPOSE_SPECS[purpose];
  const meta = await readMetadata(file, format);
  const frameHeight = meta.pageHeight ?? meta.height;
  const frames = meta.pages ?? 1;
  if (meta.width * frameHeight > limits.maxPixels) {
    throw refuse(400, 'out_of_range', `This image is ${meta.width} × ${frameHeight} pixels (${megapixels(meta.width * frameHeight)}); the most accepted is ${megapixels(limits.maxPixels)}.`);
  }
  const animated = spec.animation && frames > 1 && (format === 'gif' || format === 'webp');
  if (animated) {
    if (frames > MEDIA_LIMITS.framesMax) throw refuse(400, 'out_of_range', `This animation has ${frames} frames; the most accepted is ${MEDIA_LIMITS.framesMax}.`);
    if (meta.width * frameHeight * frames > ANIMATION_MAX_PIXELS) {
      throw refuse(400, 'out_of_range', `This animation is too large (${frames} frames of ${meta.width} × ${frameHeight}): make it shorter or smaller.`);
    }
  }

  try {
    return animated
      ? await renderAnimation(file, format, meta.width, meta.width * frameHeight * frames, spec)
      : await renderStill(file, format, limits.maxPixels, spec);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refuse(400, 'invalid_input', 'This image could not be read: it may be damaged or incomplete. Try exporting it again.');
  }
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const SHARP_FORMAT: Record<ImageFormat, string> = { jpeg: 'jpeg', png: 'png', gif: 'gif', webp: 'webp', avif: 'heif', heic: 'heif' };

async function readMetadata(file: string, format: ImageFormat) {
  // Headers only: no pixel is decoded yet, so a 30,000 × 30,000 image costs nothing to refuse.
  const meta = await sharp(file, { animated: true, limitInputPixels: false }).metadata().catch(() => null);
  if (!meta?.width || !meta.height || meta.format !== SHARP_FORMAT[format] || (format === 'avif' && meta.compression !== 'av1')) {
    throw refuse(400, 'invalid_input', 'This image could not be read: it may be damaged or incomplete. Try exporting it again.');
  }
  return { width: meta.width, height: meta.height, pageHeight: meta.pageHeight, pages: meta.pages };
}

/** The input, read strictly: a truncated file fails instead of turning half grey. */
const input = (file: string, options: { animated: boolean; limitInputPixels: number }): Sharp =>
  sharp(file, { ...options, failOn: 'truncated', sequentialRead: true }).timeout({ seconds: TIMEOUT_SECONDS });

async function renderStill(file: string, format: ImageFormat, maxPixels: number, spec: PurposeSpec): Promise<ProcessedImage> {
  const largest = Math.max(...spec.widths);
  // Decode once to the largest size needed, upright and in sRGB; every variant comes from these pixels.
  const base = input(file, { animated: false, limitInputPixels: maxPixels }).autoOrient();
  if (spec.square) {
    base.resize({ width: largest, height: largest, fit: 'cover', position: 'attention', withoutEnlargement: true });
  } else {
    base.resize({ width: largest, height: largest * MAX_TALLNESS, fit: 'inside', withoutEnlargement: true });
  }
  const { data, info } = await base.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const raw = { width: info.width, height: info.height, channels: info.channels };

  const variants: ProcessedVariant[] = [];
  for (const width of targetWidths(spec.widths, info.width)) {
    const image = sharp(data, { raw }).resize({ width, withoutEnlargement: true });
    const encoded = spec.format === 'png' ? image.png({ compressionLevel: 9, palette: false }) : image.webp(WEBP);
    const out = await encoded.timeout({ seconds: TIMEOUT_SECONDS }).toBuffer({ resolveWithObject: true });
    variants.push(variant(out.data, out.info.width, out.info.height, spec.format));
  }
  return { format, width: info.width, height: info.height, animated: false, placeholder: await thumbhash(sharp(data, { raw })), variants };
}

async function renderAnimation(file: string, format: ImageFormat, sourceWidth: number, totalPixels: number, spec: PurposeSpec): Promise<ProcessedImage> {
  const variants: ProcessedVariant[] = [];
  const widths = targetWidths(spec.widths.filter((w) => w < ANIMATION_MAX_WIDTH).concat(ANIMATION_MAX_WIDTH), sourceWidth);
  for (const width of widths) {
    const out = await input(file, { animated: true, limitInputPixels: totalPixels })
      .resize({ width, withoutEnlargement: true })
      .webp({ ...WEBP, quality: 75 })
      .toBuffer({ resolveWithObject: true });
    variants.push(variant(out.data, out.info.width, out.info.pageHeight ?? out.info.height, 'webp'));
  }
  const last = variants[variants.length - 1]!;
  const placeholder = await thumbhash(input(file, { animated: false, limitInputPixels: totalPixels }));
  return { format, width: last.width, height: last.height, animated: true, placeholder, variants };
}

/** The widths below the image's own, then the image's own width (never enlarged), narrowest first. */
export function targetWidths(widths: number[], sourceWidth: number): number[] {
  const top = Math.min(sourceWidth, Math.max(...widths));
  return [...new Set([...widths.filter((w) => w < top), top])].sort((a, b) => a - b);
}

function variant(data: Buffer, width: number, height: number, format: 'webp' | 'png'): ProcessedVariant {
  return { name: `w${width}.${format}`, width, height, type: format === 'png' ? 'image/png' : 'image/webp', data };
}

/**
 * The placeholder drawn while the real image loads: the image's thumbhash (a ~25-byte sketch of its
 * colours and shapes) rendered back to a few dozen pixels and sent as a WebP data URL of about
 * 200 bytes, ready for an <img src> in server-rendered HTML (the client needs no decoder, and the
 * CSP allows data: images).
 */
async function thumbhash(image: Sharp): Promise<string> {
  const { data, info } = await image
    .resize({ width: 100, height: 100, fit: 'inside' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const sketch = thumbHashToRGBA(rgbaToThumbHash(info.width, info.height, data));
  const webp = await sharp(Buffer.from(sketch.rgba), { raw: { width: sketch.w, height: sketch.h, channels: 4 } }).webp({ quality: 60 }).toBuffer();
  return `data:image/webp;base64,${webp.toString('base64')}`;
}
