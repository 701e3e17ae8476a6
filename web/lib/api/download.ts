/**
 * Downloads a JSON export with progress and saves it as a file. The server builds the whole file
 * before the first byte (phase `preparing`, no measure of progress is possible), then sends it
 * with a Content-Length, so the body is read chunk by chunk from the fetch stream and
 * received/total bytes are reported (phase `receiving`). The file name comes from the
 * Content-Disposition header. Saving goes through a Blob URL and an `<a download>` click, which
 * browsers treat as a download.
 */
import { ApiError, handleFailure, isAbort, toApiError } from './client.ts';

export interface DownloadProgress {
  phase: 'preparing' | 'receiving' | 'done';
  received: number;
  /** Bytes announced by Content-Length; null when not announced. */
  total: number | null;
}

export interface DownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Used when the answer names no file. */
  fallbackName?: string;
}

/** `attachment; filename="task-1.json"` → `task-1.json`. */
export function filenameOf(disposition: string | null): string | null {
  const match = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export async function downloadJson(
  url: string,
  options: DownloadOptions = {},
): Promise<{ filename: string; bytes: number }> {
  const report = options.onProgress ?? (() => undefined);
  report({ phase: 'preparing', received: 0, total: null });
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'include',
      headers: { accept: 'application/json' },
      ...(options.signal && { signal: options.signal }),
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'network_error', 'Cannot reach the server; check your connection');
  }
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the status says enough.
    }
    throw handleFailure(toApiError(response.status, body));
  }
  const announced = Number(response.headers.get('content-length'));
  const total = Number.isFinite(announced) && announced > 0 ? announced : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  report({ phase: 'receiving', received, total });
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      report({ phase: 'receiving', received, total });
    }
  }
  const filename = filenameOf(response.headers.get('content-disposition')) ?? options.fallbackName ?? 'export.json';
  const href = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the Blob URL once the click is handled.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  report({ phase: 'done', received, total: total ?? received });
  return { filename, bytes: received };
}
