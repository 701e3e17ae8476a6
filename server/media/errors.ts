/** Stable machine-readable codes for everything the media module can refuse or fail at. */
export type MediaErrorCode =
  | 'tool_missing'
  | 'tool_failed'
  | 'unsupported_media'
  | 'probe_failed'
  | 'invalid_range'
  | 'too_large'
  | 'invalid_peaks'
  | 'invalid_transcript';

/** An error from the media module; `code` is stable and safe to branch on, `message` is for people. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
