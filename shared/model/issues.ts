/**
 * Validation results of the document model. Every check reports a stable snake_case `code` (the
 * REST API and the web app switch on it), a `path` naming the offending field (`start`,
 * `attributes.sentiment`, `classes[2].parentId`) and a human message that may change.
 */

/** One problem found by a validator. */
export interface ValidationIssue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** Builds an issue; a helper so validators stay one line per check. */
export function issue(code: string, path: string, message: string): ValidationIssue {
  return { code, path, message };
}

/**
 * Thrown by mutating accessors when the input is rejected. Nothing is written when it is thrown:
 * validation runs before the Yjs transaction starts. `code`/`path` are those of the first issue;
 * `issues` lists all of them so a form can mark every bad field at once.
 */
export class ModelValidationError extends Error {
  readonly code: string;
  readonly path: string;
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const first = issues[0] ?? issue('invalid_value', '', 'invalid input');
    super(first.message);
    this.name = 'ModelValidationError';
    this.code = first.code;
    this.path = first.path;
    this.issues = issues.length > 0 ? issues : [first];
  }
}

/** Throws a ModelValidationError when `issues` is non-empty. */
export function throwIfIssues(issues: readonly ValidationIssue[]): void {
  if (issues.length > 0) throw new ModelValidationError(issues);
}

/** `#rrggbb` (lower or upper case hex): the only colour form the model stores. */
export const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

/**
 * Ids are opaque strings chosen by clients (UUIDs by default). The bound keeps a hostile peer
 * from using megabyte keys; the character set keeps ids safe in URLs and paths.
 */
export const ID_RE = /^[A-Za-z0-9_.:-]{1,128}$/;

/** True for a string that is a valid model id. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_RE.test(value);
}

/** A fresh random id; `crypto.randomUUID` exists in browsers and Node 20 without imports. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
