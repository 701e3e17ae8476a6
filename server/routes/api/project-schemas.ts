/**
 * JSON schemas of the project's plain-data configuration. They check shapes and types; the
 * cross-reference rules (unique hotkeys, cycles, orphan references) are shared/model's validators.
 */
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
const text = (max: number) => ({ type: 'string', maxLength: max }) as const;

export const taxonomySchema = {
  type: 'object',
  required: ['classes', 'attributes'],
  additionalProperties: false,
  properties: {
    classes: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        required: ['id', 'name', 'parentId', 'color', 'hotkey', 'description', 'guideline', 'examples', 'attributeIds'],
        additionalProperties: false,
        properties: {
          id,
          name: text(200),
          parentId: { type: ['string', 'null'], maxLength: 64 },
          color: text(32),
          hotkey: { type: ['string', 'null'], maxLength: 16 },
          description: text(10_000),
          guideline: text(100_000),
          examples: {
            type: 'array',
            maxItems: 200,
            items: {
              type: 'object',
              required: ['text', 'verdict'],
              additionalProperties: false,
              properties: { text: text(10_000), verdict: { enum: ['include', 'exclude'] } },
            },
          },
          attributeIds: { type: 'array', maxItems: 200, items: id },
        },
      },
    },
    attributes: {
      type: 'array',
      maxItems: 500,
      items: {
        type: 'object',
        required: ['id', 'name', 'type', 'required'],
        additionalProperties: false,
        properties: {
          id,
          name: text(200),
          type: { enum: ['enum', 'number', 'text', 'boolean'] },
          options: { type: 'array', maxItems: 500, items: text(200) },
          min: { type: 'number' },
          max: { type: 'number' },
          required: { type: 'boolean' },
        },
      },
    },
  },
} as const;

export const tiersSchema = {
  type: 'array',
  maxItems: 200,
  items: {
    type: 'object',
    required: [
      'id',
      'name',
      'modality',
      'kind',
      'allowedClassIds',
      'attributeIds',
      'parentTierId',
      'relation',
      'guidelines',
      'editRoles',
      'editSkills',
    ],
    additionalProperties: false,
    properties: {
      id,
      name: text(200),
      modality: { enum: ['video', 'audio', 'text', 'any'] },
      kind: { enum: ['segment', 'event', 'span', 'box'] },
      allowedClassIds: { type: 'array', maxItems: 2000, items: id },
      attributeIds: { type: 'array', maxItems: 500, items: id },
      parentTierId: { type: ['string', 'null'], maxLength: 64 },
      relation: { enum: ['time_subdivision', 'included_in', 'symbolic_association', null] },
      guidelines: text(100_000),
      editRoles: { type: 'array', maxItems: 3, items: { enum: ['manager', 'annotator', 'reviewer'] } },
      editSkills: { type: 'array', maxItems: 20, items: text(40) },
    },
  },
} as const;

export const projectSettingsSchema = {
  type: 'object',
  required: ['visibility', 'annotatorsPerTask', 'agreement'],
  additionalProperties: false,
  properties: {
    visibility: { enum: ['blind', 'reveal_after_submit', 'open'] },
    annotatorsPerTask: { type: 'integer', minimum: 1, maximum: 50 },
    agreement: {
      type: 'object',
      required: ['iouThreshold', 'eventToleranceSec', 'resolution', 'thresholds'],
      additionalProperties: false,
      properties: {
        iouThreshold: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        eventToleranceSec: { type: 'number', minimum: 0, maximum: 60 },
        resolution: {
          oneOf: [
            {
              type: 'object',
              required: ['unit', 'ms'],
              additionalProperties: false,
              properties: { unit: { const: 'ms' }, ms: { type: 'integer', minimum: 1, maximum: 10_000 } },
            },
            {
              type: 'object',
              required: ['unit'],
              additionalProperties: false,
              properties: { unit: { const: 'frame' } },
            },
          ],
        },
        thresholds: {
          type: 'object',
          required: ['minAlpha'],
          additionalProperties: false,
          properties: { minAlpha: { type: 'number', minimum: -1, maximum: 1 } },
        },
      },
    },
  },
} as const;
