/**
 * Loads a text medium's cues once per page (the cue lane and the Document panel share them):
 * `GET /api/media/:id/transcript`, parsed into cues with their offsets (document.ts). A failed
 * load is forgotten, so the next caller retries.
 */
import { media } from '../api/index.ts';
import { documentCues, type Cue } from './document.ts';

export interface TextMedium {
  mediaId: string;
  cues: Cue[];
  /** The plain text span offsets count into. */
  text: string;
}

const cache = new Map<string, Promise<TextMedium>>();

export function loadTextMedium(mediaId: string): Promise<TextMedium> {
  let p = cache.get(mediaId);
  if (!p) {
    p = media.transcript(mediaId).then((t) => ({ mediaId, cues: documentCues(t), text: t.text }));
    cache.set(mediaId, p);
    p.catch(() => cache.delete(mediaId));
  }
  return p;
}
