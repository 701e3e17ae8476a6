import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOSE_GOING_AWAY, CloseCode, closeCodeDescriptions } from '../../shared/protocol/close-codes.ts';
import { ErrorCode, errorCode, type ErrorName } from '../../shared/errors.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The catalogues are the truth; the README must list every entry (Fastify's docs test style). */
describe('README documents every code', () => {
  it('every WebSocket close code, with its name', () => {
    for (const code of Object.values(CloseCode)) {
      expect(readme, `close code ${code}`).toMatch(
        new RegExp(`\\| ${code} \\| \`${closeCodeDescriptions[code].name}\``),
      );
    }
    expect(readme).toContain(`| ${CLOSE_GOING_AWAY} |`);
  });

  it('every close code is in the application range and unique', () => {
    const codes = Object.values(CloseCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 4000 && code <= 4999, String(code)).toBe(true);
  });

  it('every HTTP error code, with its status', () => {
    for (const name of Object.keys(ErrorCode) as ErrorName[]) {
      const row = new RegExp(`\\| \`${errorCode(name)}\`\\s*\\| ${ErrorCode[name].status}\\s*\\|`);
      expect(readme, errorCode(name)).toMatch(row);
    }
  });

  it('every configuration variable the server reads', () => {
    const config = readFileSync(new URL('../../server/config.ts', import.meta.url), 'utf8');
    const names = [...config.matchAll(/env(?:\.([A-Z_]+)|, '([A-Z_]+)')/g)].map((m) => m[1] ?? m[2]);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(readme, name).toContain(`\`${name}\``);
  });
});
