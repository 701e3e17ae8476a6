import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../server/audit/audit.ts';
import { SessionHub } from '../../../server/sessions/hub.ts';
import type { Participant, SessionSocket } from '../../../server/sessions/session.ts';

/** An in-memory end of a channel connection: what the hub sent, and how it closed it. */
class Socket implements SessionSocket {
  readonly sent: Array<Record<string, unknown>> = [];
  closed: number | null = null;
  bufferedAmount = 0;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code: number): void {
    this.closed ??= code;
  }
  last(type: string): Record<string, unknown> | undefined {
    return this.sent.filter((m) => m.type === type).at(-1);
  }
}

const person = (name: string): Participant => ({ userId: `id-${name}`, displayName: name, isAdmin: false });

function hub(idleMs = 60_000) {
  const audits: AuditEntry[] = [];
  const h = new SessionHub({
    log: pino({ level: 'silent' }),
    audit: async (e) => void audits.push(e),
    idleMs,
    relayMs: 0,
  });
  return { h, audits };
}

describe('SessionHub rules', () => {
  it('passes the lead to whoever asked first when the leader leaves, not back to the starter', async () => {
    const { h } = hub();
    const [ada, ben, cleo] = [person('ada'), person('ben'), person('cleo')];
    const s = await h.start('task', 'project', ada, [ben, cleo]);
    const sockets = { ada: new Socket(), ben: new Socket(), cleo: new Socket() };
    const a = h.connect(s, ada, true, sockets.ada);
    const b = h.connect(s, ben, false, sockets.ben);
    const c = h.connect(s, cleo, false, sockets.cleo);
    await h.receive(s, a, JSON.stringify({ type: 'control.grant', userId: ben.userId }));
    expect(s.leaderId).toBe(ben.userId);
    await h.receive(s, c, JSON.stringify({ type: 'control.request' }));
    expect(sockets.ben.last('control.requested')).toMatchObject({ userId: cleo.userId });
    h.disconnect(s, b);
    expect(s.leaderId).toBe(cleo.userId);
    expect((sockets.ada.last('state')!.session as { leaderId: string }).leaderId).toBe(cleo.userId);
    // With nobody asking, release goes to the starter.
    await h.receive(s, c, JSON.stringify({ type: 'control.release', id: 1 }));
    expect(sockets.cleo.last('response')).toMatchObject({ ok: true, data: { leaderId: ada.userId } });
  });

  it('the first to join leads while the leader is away; an idle session ends by itself', async () => {
    const { h, audits } = hub(30);
    const [ada, ben] = [person('ada'), person('ben')];
    const s = await h.start('task', 'project', ada, [ben]);
    const sock = new Socket();
    const b = h.connect(s, ben, false, sock);
    expect(s.leaderId).toBe(ben.userId);
    h.disconnect(s, b);
    await expect.poll(() => h.get('task')).toBeUndefined();
    expect(s.ended).toBe(true);
    expect(audits.map((e) => [e.action, e.details?.reason])).toContainEqual(['session.end', 'idle']);
  });

  it('a client that does not read is closed with 4429, the others are unaffected', async () => {
    const { h } = hub();
    const [ada, ben] = [person('ada'), person('ben')];
    const s = await h.start('task', 'project', ada, [ben]);
    const slow = new Socket();
    const fine = new Socket();
    const a = h.connect(s, ada, true, fine);
    h.connect(s, ben, false, slow);
    slow.bufferedAmount = 64 * 1024 * 1024;
    await h.receive(s, a, JSON.stringify({ type: 'playhead', time: 1, playing: false }));
    expect(slow.closed).toBe(4429);
    expect(fine.closed).toBeNull();
  });
});
