/** JSON schemas shared by several routes (registered with $id so OpenAPI names them). */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
} as const;

export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'username', 'displayName', 'isAdmin', 'disabled', 'createdAt'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: 'string' },
    isAdmin: { type: 'boolean' },
    disabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** The pending rejection (task view and queues): what the annotators have to fix, from whom, since when. */
export const rejectionSchema = {
  $id: 'Rejection',
  type: ['object', 'null'],
  required: ['reason', 'at', 'by'],
  properties: {
    reason: { type: 'string' },
    at: { type: ['string', 'null'] },
    by: {
      type: ['object', 'null'],
      required: ['userId', 'username', 'displayName'],
      properties: { userId: { type: 'string' }, username: { type: 'string' }, displayName: { type: 'string' } },
    },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const authErrors = {
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
} as const;

export const ref = (id: string) => ({ $ref: `${id}#` }) as const;
