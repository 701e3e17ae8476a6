import type { MediaInfo } from '../../media/probe.ts';
import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './accounts.ts';
import { projects } from './projects.ts';

/**
 * One uploaded file of a project. The bytes live content-addressed in DATA_DIR/media
 * (`sha256.ext`); `info` is the probe result; `peaks` is set once waveform peaks are stored.
 */
export const media = pgTable(
  'media',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    kind: text('kind').$type<MediaInfo['kind']>().notNull(),
    sha256: text('sha256').notNull(),
    ext: text('ext').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    info: jsonb('info').$type<MediaInfo>().notNull(),
    /** Peaks file present (audio/video with an audio stream). */
    hasPeaks: text('has_peaks').$type<'yes' | 'no' | 'none'>().notNull().default('no'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('media_project_idx').on(t.projectId, t.createdAt)],
);
