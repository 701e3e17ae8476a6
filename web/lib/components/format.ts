/** Display formatting shared by the pages (sizes, durations, frame rates, dates, labels). */
import type { TaskStatus } from '$shared/domain/task.ts';
import type { Rational } from '../api/types.ts';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, as file managers show). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** Seconds → "1:02:03.250" / "2:03.250" / "0:04.000". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const sign = seconds < 0 ? '-' : '';
  const ms = Math.round(Math.abs(seconds) * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = String(ms % 1000).padStart(3, '0');
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}.${rest}`;
}

/** Decimal with at most `digits` decimals, trailing zeros removed: 29.970029 → "29.97". */
export function trimNumber(value: number, digits = 3): string {
  return String(Number(value.toFixed(digits)));
}

/** An exact frame rate: 30000/1001 → "29.97 (30000/1001)"; 25/1 → "25 (25/1)". */
export function formatFrameRate(rate: Rational | null | undefined): string {
  if (!rate || !rate.den) return '—';
  return `${trimNumber(rate.num / rate.den)} (${rate.num}/${rate.den})`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDate(iso: string | null | undefined, withTime = true): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return (withTime ? dateFormat : dayFormat).format(date);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "yesterday", "in 5 days". */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const diff = (new Date(iso).getTime() - now) / 1000;
  if (!Number.isFinite(diff)) return '—';
  const abs = Math.abs(diff);
  if (abs < 45) return 'just now';
  const steps: Array<[number, Intl.RelativeTimeFormatUnit]> = [
    [60, 'second'],
    [3600, 'minute'],
    [86_400, 'hour'],
    [604_800, 'day'],
    [2_629_800, 'week'],
    [31_557_600, 'month'],
    [Infinity, 'year'],
  ];
  let divisor = 1;
  for (const [limit, unit] of steps) {
    if (abs < limit) return relative.format(Math.round(diff / divisor), unit);
    divisor = limit;
  }
  return formatDate(iso);
}

export const STATUS_LABELS: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  submitted: 'Submitted',
  in_review: 'In review',
  accepted: 'Accepted',
  rejected: 'Rejected',
};

/** "in_progress" → "In progress" for enum values without a dedicated label. */
export function humanize(value: string): string {
  const text = value.replace(/_/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Speaker turns" → "speaker_turns": an id proposal for a new class or tier, unique in `taken`. */
export function slugId(name: string, taken: ReadonlySet<string>, fallback = 'item'): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 48) || fallback;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
