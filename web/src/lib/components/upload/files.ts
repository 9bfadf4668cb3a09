import { m } from '#lib/paraglide/messages.js';
import type { UploadError } from './upload.ts';

const PREVIEW_SIDE = 192;

/**
 * A small preview of a chosen file, drawn in the browser before anything is sent: a data URL
 * (the CSP allows `data:` images, not `blob:`). Null for what the browser cannot draw (HEIC on
 * most of them, anything that is not an image); the server decides what it takes anyway.
 */
export async function readPreview(file: File): Promise<string | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas.toDataURL('image/jpeg', 0.8);
  } catch {
    return null;
  }
}

/** The API's refusal, in the page's language (its English message for a code not listed). */
export function errorText(error: UploadError): string {
  switch (error.code) {
    case 'payload_too_large': return m.media_error_too_large_any();
    case 'unsupported_media_type': return m.media_error_type();
    case 'out_of_range': return m.media_error_dimensions();
    case 'invalid_input': return m.media_error_damaged();
    case 'required': return error.status === 400 && /alt|describe/i.test(error.message) ? m.media_alt_required() : m.media_error_empty();
    case 'quota_exceeded': return m.media_error_quota();
    case 'rate_limited': return m.media_error_busy();
    case 'network': return m.media_error_network();
    case 'unauthenticated': return m.media_error_signed_out();
    default: return error.message;
  }
}
