import { MediaError } from './errors.ts';

/** One transcript line; start/end in seconds, null for plain text without timing. */
export interface TranscriptSegment {
  start: number | null;
  end: number | null;
  text: string;
  /** From a WebVTT `<v Name>` voice tag, when present. */
  speaker?: string;
}

export interface Transcript {
  format: 'vtt' | 'srt' | 'json' | 'text';
  segments: TranscriptSegment[];
}

// hh:mm:ss.mmm, mm:ss.mmm, with "," (SRT) or "." (VTT) before 1–3 fraction digits.
const TIME = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$/;

/** Parses a cue timestamp to seconds; null when malformed. */
export function parseTimestamp(raw: string): number | null {
  const m = TIME.exec(raw.trim());
  if (!m) return null;
  const [, h = '0', min, s, frac = ''] = m;
  if (Number(min) > 59 || Number(s) > 59) return null;
  // "5" means 500 ms, not 5 ms: pad the fraction to milliseconds.
  const ms = Number(frac.padEnd(3, '0'));
  // Integer milliseconds first, one division last: 5.373 then equals 5373 / 1000 exactly.
  return ((Number(h) * 3600 + Number(min) * 60 + Number(s)) * 1000 + ms) / 1000;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&nbsp;': '\u00a0',
  '&lrm;': '',
  '&rlm;': '',
};

function cleanCueText(lines: string[]): { text: string; speaker?: string } {
  const joined = lines.join('\n');
  const voice = /<v(?:\.[^\s>]*)?\s+([^>]+)>/.exec(joined);
  const text = joined
    .replace(/<[^>]*>/g, '') // VTT styling/voice/timestamp tags, SRT <i>/<b>/<font>
    .replace(/&(amp|lt|gt|nbsp|lrm|rlm);/g, (e) => ENTITIES[e])
    .trim();
  return voice ? { text, speaker: voice[1].trim() } : { text };
}

function parseCues(text: string, format: 'vtt' | 'srt'): Transcript {
  const segments: TranscriptSegment[] = [];
  for (const block of text.split(/\n{2,}/)) {
    const lines = block.split('\n').filter((l, i) => i > 0 || l.trim() !== '');
    const timing = lines.findIndex((l) => l.includes('-->'));
    // Header, NOTE, STYLE and REGION blocks have no timing line; cue identifiers precede it.
    if (timing < 0 || timing > 1) continue;
    const [left, right = ''] = lines[timing].split('-->');
    const start = parseTimestamp(left);
    const end = parseTimestamp(right.trim().split(/\s+/)[0] ?? ''); // drop VTT cue settings
    if (start === null || end === null || end < start) {
      throw new MediaError('invalid_transcript', `bad cue timing "${lines[timing].trim()}"`);
    }
    segments.push({ start, end, ...cleanCueText(lines.slice(timing + 1)) });
  }
  return { format, segments };
}

function parseJson(text: string): Transcript {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new MediaError('invalid_transcript', 'transcript JSON does not parse', { cause });
  }
  const list = (data as { segments?: unknown })?.segments;
  if (!Array.isArray(list)) throw new MediaError('invalid_transcript', 'transcript JSON needs a "segments" array');
  const segments = list.map((raw, i): TranscriptSegment => {
    const s = raw as Record<string, unknown>;
    const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : v == null ? null : NaN);
    const start = time(s.start);
    const end = time(s.end);
    if (typeof s.text !== 'string' || Number.isNaN(start) || Number.isNaN(end)) {
      throw new MediaError('invalid_transcript', `segment ${i} needs text and numeric start/end`);
    }
    return { start, end, text: s.text, ...(typeof s.speaker === 'string' ? { speaker: s.speaker } : {}) };
  });
  return { format: 'json', segments };
}

/**
 * Imports a transcript: WebVTT, SRT, JSON `{segments: [{start, end, text}]}` or plain text (one
 * segment per non-empty line, untimed). Handles a UTF-8 BOM and CRLF/CR line endings.
 */
export function parseTranscript(input: string, filename = ''): Transcript {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const lower = filename.toLowerCase();
  if (/^WEBVTT(?:[ \t\n]|$)/.test(text) || lower.endsWith('.vtt')) return parseCues(text, 'vtt');
  if (lower.endsWith('.json') || /^\s*\{/.test(text)) return parseJson(text);
  if (lower.endsWith('.srt') || /^\s*\d+\n[^\n]*-->/.test(text)) return parseCues(text, 'srt');
  const segments = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => ({ start: null, end: null, text: line }));
  return { format: 'text', segments };
}

/**
 * The plain text of a transcript: segment texts, one per line. Span annotations on a text media
 * file count UTF-16 offsets into exactly this string (REST `/transcript`, agreement, exports).
 */
export function transcriptText(transcript: Transcript): string {
  return transcript.segments.map((s) => s.text).join('\n');
}
