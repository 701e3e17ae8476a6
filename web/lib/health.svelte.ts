/** Server health as reactive state (polled by the placeholder home page). */
export interface Health {
  status: 'ok';
  database: 'pglite' | 'postgres';
  documents: number;
  connections: number;
}

export class HealthState {
  current = $state<Health | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      const response = await fetch('/api/health');
      const body: unknown = await response.json();
      if (!response.ok) {
        this.error = (body as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
        return;
      }
      this.current = body as Health;
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}
