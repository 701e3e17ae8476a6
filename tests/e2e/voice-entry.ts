/** Bundled for the voice e2e pages (as `window.Voice`): the client and the panel, outside the app. */
import { mount } from 'svelte';
import type { SessionChannel } from '../../web/lib/session/channel.ts';
import { VoiceClient } from '../../web/lib/voice/client.ts';
import VoicePanel from '../../web/lib/voice/VoicePanel.svelte';

export { VoiceClient };

/** The panel with its own client (in the app, the session bar owns the client). */
export function mountPanel(target: HTMLElement, channel: SessionChannel): void {
  mount(VoicePanel, { target, props: { client: new VoiceClient({ channel }) } });
}
