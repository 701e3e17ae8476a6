import { ErrorCode, errorCode, type ErrorBody, type ErrorName } from '../shared/errors.ts';

/** An error the API reports as-is: a catalogue entry plus an optional specific message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;

  constructor(entry: ErrorName, message?: string) {
    super(message ?? ErrorCode[entry].message);
    this.status = ErrorCode[entry].status;
    this.code = errorCode(entry);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
