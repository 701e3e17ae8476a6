/** Text fitting for SVG labels (SVG has no wrapping): an estimate of width and word wrapping. */

/** Rough width of `text` in px at `fontSize` (average glyph ≈ 0.58 em in system UI fonts). */
export function textWidth(text: string, fontSize = 12): number {
  return [...text].length * fontSize * 0.58;
}

/** `text` cut to at most `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  if (max <= 1) return '…';
  return `${chars
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * Words of `text` on at most `lines` lines of at most `max` characters (the last line truncated
 * when the text does not fit).
 */
export function wrapWords(text: string, max: number, lines = 2): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = current ? `${current} ${word}` : word;
    if ([...next].length <= max || !current) {
      current = next;
      continue;
    }
    out.push(current);
    current = word;
    if (out.length === lines - 1) {
      current = words.slice(i).join(' ');
      break;
    }
  }
  if (current) out.push(current);
  return out.slice(0, lines).map((line) => truncate(line, max));
}
