/**
 * File upload with progress. fetch() cannot report upload progress, so this uses
 * XMLHttpRequest and its `upload.onprogress` events. The body is multipart/form-data with one
 * file part (server/routes/api/media.ts accepts any field name; we send `file`).
 */
import { ApiError, handleFailure, toApiError } from './client.ts';

export interface UploadProgress {
  /** Bytes of the request body sent so far. */
  loaded: number;
  /** Bytes of the whole body (file plus multipart framing); 0 when unknown. */
  total: number;
  /** 0…1; 1 once the body is sent (the server may still be processing). */
  fraction: number;
}

export interface UploadOptions {
  /** Form field name of the file part. */
  field?: string;
  onProgress?: (progress: UploadProgress) => void;
  /** Called once the last byte is sent: the server now probes the file (can take a while). */
  onSent?: () => void;
  signal?: AbortSignal;
}

/** POSTs `file` as multipart/form-data to `url`; resolves to the parsed JSON answer. */
export function uploadFile<T>(url: string, file: File, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append(options.field ?? 'file', file, file.name);
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'text';

    const report = (loaded: number, total: number) => {
      const fraction = total > 0 ? Math.min(1, loaded / total) : 0;
      options.onProgress?.({ loaded, total, fraction });
    };
    xhr.upload.addEventListener('loadstart', () => report(0, file.size));
    xhr.upload.addEventListener('progress', (event) => {
      report(event.loaded, event.lengthComputable ? event.total : file.size);
    });
    xhr.upload.addEventListener('load', () => {
      // The body is fully sent: report 100% even if the last progress event was coalesced.
      options.onProgress?.({ loaded: file.size, total: file.size, fraction: 1 });
      options.onSent?.();
    });

    xhr.addEventListener('load', () => {
      let body: unknown = undefined;
      if (xhr.responseText) {
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = xhr.responseText;
        }
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(handleFailure(toApiError(xhr.status, body)));
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network_error', 'The upload failed: the connection to the server was lost')),
    );
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));

    if (options.signal) {
      if (options.signal.aborted) {
        reject(new DOMException('Upload cancelled', 'AbortError'));
        return;
      }
      options.signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(form);
  });
}
