import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, fieldError } from '#core/errors.ts';
import { createUploadFolder } from './tmp-sweep.ts';

export interface ReceivedUpload {
  /** A temporary file holding the bytes, removed by `discard()`. */
  file: string | null;
  size: number;
  fields: Record<string, string>;
  discard(): Promise<void>;
}

/** Room for the multipart envelope and the text fields around the file. */
const ENVELOPE_BYTES = 64 * 1024;
const FIELD_MAX_BYTES = 4096;

const tooLarge = (maxBytes: number) =>
  fieldError(413, 'file', 'payload_too_large', `The file is larger than ${formatBytes(maxBytes)}: choose a smaller image, or export it at a lower resolution.`);

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

/**
 * Streams a multipart upload to a temporary file under `tmpRoot` (DATA_DIR/tmp: on the data volume,
 * not in a RAM-backed /tmp; in a folder marked as this process's, swept by tmp-sweep.ts should the
 * process die), counting the bytes as they come: past `maxBytes`
 * the upload stops at once (a 413), without reading the rest. A declared length over the cap is
 * refused before a byte is read. Text fields are kept; one file, in the part named `file`.
 */
export async function receiveUpload(request: FastifyRequest, maxBytes: number, tmpRoot: string): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new AppError(415, 'unsupported_media_type', 'Send the image as multipart/form-data, in a part named "file".');
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + ENVELOPE_BYTES) throw tooLarge(maxBytes);

  const folder = await createUploadFolder(tmpRoot);
  const upload: ReceivedUpload = { file: null, size: 0, fields: {}, discard: () => folder.release() };
  try {
    const parts = request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: FIELD_MAX_BYTES, parts: 12 } });
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.valueTruncated) throw fieldError(400, part.fieldname, 'too_long', 'This field is too long.');
        if (typeof part.value === 'string') upload.fields[part.fieldname] = part.value;
        continue;
      }
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw fieldError(400, 'file', 'invalid_input', `Send the image in a part named "file" (got "${part.fieldname}").`);
      }
      upload.file = path.join(folder.dir, 'upload');
      const counter = countBytes((n) => (upload.size = n));
      await pipeline(part.file, counter, createWriteStream(upload.file));
      // With throwFileSizeLimit the stream errors past the cap; this catches a quiet truncation too.
      if (part.file.truncated) throw tooLarge(maxBytes);
    }
    return upload;
  } catch (error) {
    await upload.discard();
    throw translate(error, maxBytes);
  }
}

function countBytes(report: (n: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      total += chunk.length;
      report(total);
      callback(null, chunk);
    },
  });
}

/** @fastify/multipart's limits, in words a person can act on. */
function translate(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge(maxBytes);
  if (code === 'FST_FILES_LIMIT') return fieldError(400, 'file', 'too_many', 'Send one image per upload.');
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return new AppError(400, 'too_many', 'This upload has too many parts: send the image and its fields only.');
  if (code === 'FST_PROTO_VIOLATION' || code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return new AppError(400, 'invalid_input', 'This upload is not a valid multipart form.');
  const message = error instanceof Error ? error.message : '';
  if (/Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(message)) {
    return new AppError(400, 'invalid_input', 'The upload was cut short or is malformed: try again.');
  }
  return error;
}
