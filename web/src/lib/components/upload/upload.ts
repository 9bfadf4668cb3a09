import type { ApiError } from '@caucus/shared/errors.ts';
import type { Image, MediaPurpose } from '@caucus/shared/schemas/media.ts';

export interface UploadProgress {
  loaded: number;
  total: number;
}

export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Upload {
  /** The stored image, or an UploadError (status 0 when the network failed or the upload was cancelled). */
  done: Promise<Image>;
  cancel(): void;
}

/**
 * Sends one image straight to the API, by XMLHttpRequest: its upload events follow the bytes as
 * they leave (fetch cannot report that yet), and it can be cancelled. The alt text goes first, so
 * the server has it before the file. Same origin: the session cookie and Origin header go along.
 */
export function uploadImage(file: File, alt: string, purpose: MediaPurpose, onprogress: (progress: UploadProgress) => void): Upload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Image>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onprogress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status === 201 && body) return resolve(body as Image);
      const error = (body ?? {}) as Partial<ApiError>;
      const field = error.fields?.file ?? error.fields?.alt;
      reject(new UploadError(xhr.status, field?.code ?? error.error ?? 'internal', field?.message ?? error.message ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new UploadError(0, 'network', 'The connection failed.'));
    xhr.onabort = () => reject(new UploadError(0, 'cancelled', 'Cancelled.'));
  });
  const form = new FormData();
  form.append('alt', alt);
  form.append('file', file, file.name);
  xhr.open('POST', `/api/v1/media?purpose=${purpose}`);
  xhr.responseType = 'text';
  xhr.send(form);
  return { done, cancel: () => xhr.abort() };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A JSON call of the API from the browser (putting an upload to use, discarding one). */
export async function callApi(method: 'PUT' | 'DELETE' | 'PATCH', path: string, body?: unknown): Promise<{ ok: boolean; status: number }> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'same-origin',
  });
  return { ok: response.ok, status: response.status };
}
